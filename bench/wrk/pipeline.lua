-- HTTP pipelining for wrk: each write sends DEPTH requests back to back, and wrk counts every response.
--   wrk -s wrk/pipeline.lua http://127.0.0.1:PORT/path -- DEPTH [METHOD] [BODY] [CONTENT-TYPE]
-- Headers given with -H are sent with each request. DEPTH defaults to 10.

local batch = nil

function init(args)
  local depth = tonumber(args[1]) or 10
  local method = args[2]
  if method == "" then method = nil end
  local body = args[3]
  if body == "" then body = nil end
  if args[4] ~= nil and args[4] ~= "" then wrk.headers["Content-Type"] = args[4] end
  local one = wrk.format(method, nil, nil, body)
  batch = string.rep(one, depth)
end

-- A request() function makes wrk ask for the next write here; the batch itself is built once, in init().
function request()
  return batch
end
