-- Health of a kro ResourceGraphDefinition (kro v0.9.3 conditions: GraphRevisionsResolved,
-- GraphAccepted, KindReady, ControllerReady and their aggregate Ready). Only conditions kro wrote for
-- the current generation count. Ready True is Healthy; any of these conditions False is Degraded with
-- the failing condition's message (kro sets False only for failures: a rejected graph, a CRD change it
-- refused, a controller that did not start; waiting is Unknown). Anything else is Progressing.
-- (the deletion and no-status checks of kro_common.lua come first)
local kro_conditions = { "GraphRevisionsResolved", "GraphAccepted", "KindReady", "ControllerReady", "Ready" }
local seen = {}
for _, condition in ipairs(obj.status.conditions) do
  if condition.type ~= nil and condition.observedGeneration ~= nil
      and condition.observedGeneration == meta.generation then
    seen[condition.type] = condition
  end
end
if seen.Ready ~= nil and seen.Ready.status == "True" then
  return { status = "Healthy", message = "CRD and controller are serving instances" }
end
-- the specific condition first: Ready only repeats the message of the worst one
for _, name in ipairs(kro_conditions) do
  local condition = seen[name]
  if condition ~= nil and condition.status == "False" then
    return { status = "Degraded", message = name .. ": " .. (condition.message or "False") }
  end
end
for _, name in ipairs(kro_conditions) do
  local condition = seen[name]
  if condition ~= nil and condition.status ~= "True" and condition.message ~= nil then
    return { status = "Progressing", message = name .. ": " .. condition.message }
  end
end
if next(seen) == nil then
  return { status = "Progressing", message = "Waiting for kro to observe generation " .. tostring(meta.generation) }
end
return { status = "Progressing", message = "Waiting for the graph to become ready" }
