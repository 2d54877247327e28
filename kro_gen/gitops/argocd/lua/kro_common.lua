-- Shared by the kro RGD and instance checks (prepended to each: argocd-cm scripts stand alone).
local meta = obj.metadata or {}
if meta.deletionTimestamp ~= nil then
  local message = "Deleting"
  if meta.finalizers ~= nil and #meta.finalizers > 0 then
    message = "Deleting; waiting for finalizers: " .. table.concat(meta.finalizers, ", ")
  end
  return { status = "Progressing", message = message }
end
if obj.status == nil or obj.status.conditions == nil then
  return { status = "Progressing", message = "Waiting for kro to report status" }
end
