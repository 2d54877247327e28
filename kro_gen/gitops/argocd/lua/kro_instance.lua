-- Health of a kro instance (any generated kind). kro's stable contract is the Ready condition,
-- written with observedGeneration; status.state is ACTIVE, IN_PROGRESS, DELETING or ERROR
-- (FAILED on older kro).
local hs = { status = "Progressing", message = "Waiting for kro to report status" }
if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.message = "Deleting"
  return hs
end
if obj.status == nil then
  return hs
end
local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local ready = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    end
  end
end
local current = ready ~= nil and (ready.observedGeneration == nil or generation == nil
  or ready.observedGeneration == generation)
if current and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end
local state = obj.status.state
-- an error state counts only once kro has seen this generation: right after an edit, the state left
-- from the previous spec says nothing about the new one
if (state == "ERROR" or state == "FAILED") and (ready == nil or current) then
  hs.status = "Degraded"
  if ready ~= nil and ready.message ~= nil then
    hs.message = ready.message
  else
    hs.message = "kro reports state " .. state
  end
  return hs
end
if ready ~= nil and not current then
  hs.message = "Waiting for kro to observe generation " .. tostring(generation)
elseif ready ~= nil then
  hs.message = ready.message or ("Ready is " .. tostring(ready.status))
end
return hs
