-- Health of a kro instance (any kind an RGD generates). kro v0.9.3 writes InstanceManaged,
-- GraphResolved, ResourcesReady and their aggregate Ready, each with observedGeneration, and
-- status.state IN_PROGRESS, ACTIVE or ERROR. Only conditions of the current generation count.
-- Ready True is Healthy. A False condition is Degraded only when kro also reports an error state
-- (ResourcesReady is False while kro merely waits for a readyWhen, with state IN_PROGRESS); otherwise
-- Progressing, with the message that says what kro waits for.
-- (the deletion and no-status checks of kro_common.lua come first)
local kro_conditions = { "InstanceManaged", "GraphResolved", "ResourcesReady", "Ready" }
local seen = {}
for _, condition in ipairs(obj.status.conditions) do
  if condition.type ~= nil and condition.observedGeneration ~= nil
      and condition.observedGeneration == meta.generation then
    seen[condition.type] = condition
  end
end
if seen.Ready ~= nil and seen.Ready.status == "True" then
  return { status = "Healthy", message = seen.Ready.message or "Ready" }
end
local failed = obj.status.state == "ERROR" or obj.status.state == "FAILED"
for _, name in ipairs(kro_conditions) do
  local condition = seen[name]
  if condition ~= nil and condition.status == "False" then
    local message = name .. ": " .. (condition.message or "False")
    if failed then
      return { status = "Degraded", message = message }
    end
    return { status = "Progressing", message = message }
  end
end
if next(seen) == nil then
  return { status = "Progressing", message = "Waiting for kro to observe generation " .. tostring(meta.generation) }
end
return { status = "Progressing", message = "Waiting for the instance to become ready" }
