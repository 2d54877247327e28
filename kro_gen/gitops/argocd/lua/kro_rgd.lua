-- Health of a kro ResourceGraphDefinition: Ready (CRD and controller serving) at the current
-- generation is Healthy; GraphAccepted False at the current generation is Degraded (the graph was
-- rejected; the message says why). Anything else is Progressing, with the first False condition's
-- message (e.g. a breaking schema change that kro refused).
local hs = { status = "Progressing", message = "Waiting for kro to accept the graph" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local function current(condition)
  return condition.observedGeneration == nil or generation == nil or condition.observedGeneration == generation
end
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "GraphAccepted" and condition.status == "False" and current(condition) then
    hs.status = "Degraded"
    hs.message = condition.message or "kro rejected the graph"
    return hs
  end
end
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" and condition.status == "True" and current(condition) then
    hs.status = "Healthy"
    hs.message = "CRD and controller ready"
    return hs
  end
end
for _, condition in ipairs(obj.status.conditions) do
  if condition.status == "False" and condition.message ~= nil then
    hs.message = condition.type .. ": " .. condition.message
    return hs
  end
end
return hs
