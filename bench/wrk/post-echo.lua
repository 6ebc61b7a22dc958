-- A request with a body, for wrk:
--   wrk -s wrk/post-echo.lua http://127.0.0.1:PORT/echo -- [METHOD] [BODY] [CONTENT-TYPE]
-- Defaults: POST, a small JSON object, application/json. The harness passes each scenario's own body.
-- wrk calls init() in every thread before it formats the request, so the request is built once per thread
-- and no Lua runs per request.

local method = "POST"
local body = '{"hello":"world"}'
local content_type = "application/json"

function init(args)
  if args[1] ~= nil and args[1] ~= "" then method = args[1] end
  if args[2] ~= nil then body = args[2] end
  if args[3] ~= nil and args[3] ~= "" then content_type = args[3] end
  wrk.method = method
  wrk.body = body
  wrk.headers["Content-Type"] = content_type
end
