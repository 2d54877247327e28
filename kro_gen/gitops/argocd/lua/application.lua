-- Health of an Argo CD Application (removed from Argo CD in 1.8; needed again so that sync waves
-- between Applications of an app-of-apps wait for the earlier Application to be healthy).
local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
