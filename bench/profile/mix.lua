-- The showcase's routes for wrk, one route or a weighted mix of them (bench/profile/README.md).
--   wrk -s bench/profile/mix.lua http://127.0.0.1:PORT -- ROUTE TOKEN COOKIE ORIGIN [REFRESH,REFRESH,…] [DEPTH]
--       [CONNECTIONS]
-- ROUTE is a route name below, "mix", or "mix:a+b" (the mix of routes a and b only); TOKEN an access token of alice (books:write); COOKIE a session cookie
-- ("sid=…"); ORIGIN an origin the app allows for CORS; then refresh tokens of separate logins, a pool that
-- `refresh` takes one from and puts the new one of each answer back into (with the pool empty, it sends a
-- `me` instead: a refresh token is single-use, and two connections must never present the same one). DEPTH
-- above 1 pipelines: each write carries DEPTH requests, and wrk counts every answer.
--
-- Writes stay bounded: every book a POST creates is deleted by a later DELETE (the 201's id is remembered),
-- so the list that GET /api/v1/books and the page render does not grow during a run.
-- With CONNECTIONS (wrk's -c), done() prints `LATENCY {"count":…,"p50":…,"p99":…}` in µs: the latencies
-- wrk recorded, its after-the-run correction undone (bench/showcase/wrk/latency.lua says why).

local routes = {}
local order = {}
local created = {}
local pool = {}
local route = "mix"
local depth = 1
connections = 0

local only = nil

local function add(name, weight, build)
  routes[name] = build
  if only ~= nil and only[name] == nil then return end
  for _ = 1, weight do order[#order + 1] = name end
end

function init(args)
  route = args[1] or "mix"
  -- "mix:list+show" is the mix of those routes only, with their weights.
  if string.sub(route, 1, 4) == "mix:" then
    only = {}
    for name in string.gmatch(string.sub(route, 5), "[^+]+") do only[name] = true end
    route = "mix"
  end
  local token = args[2] or ""
  local cookie = args[3] or ""
  local origin = args[4] or "http://localhost:5173"
  for t in string.gmatch(args[5] or "", "[^,]+") do pool[#pool + 1] = t end
  depth = tonumber(args[6]) or 1
  connections = tonumber(args[7]) or 0
  local auth = { ["Authorization"] = "Bearer " .. token }
  local body = '{"title":"Solaris","author":"Stanislaw Lem","year":1961}'
  local list = wrk.format("GET", "/api/v1/books", nil, nil)
  local one = wrk.format("GET", "/api/v1/books/1", nil, nil)
  local page = wrk.format("GET", "/", { ["Accept"] = "text/html" }, nil)
  local hello = wrk.format("GET", "/hello?name=Ada", { ["Accept"] = "text/html" }, nil)
  local visits = wrk.format("GET", "/session/visits", { ["Cookie"] = cookie }, nil)
  local me = wrk.format("GET", "/auth/me", auth, nil)
  local preflight = wrk.format("OPTIONS", "/api/v1/books", {
    ["Origin"] = origin,
    ["Access-Control-Request-Method"] = "POST",
    ["Access-Control-Request-Headers"] = "authorization, content-type",
  }, nil)
  local missing = wrk.format("GET", "/no/such/page", nil, nil)
  local create = wrk.format("POST", "/api/v1/books",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
  local health = wrk.format("GET", "/health", nil, nil)

  -- Weights of the mix: reads dominate, as on most APIs; one write in ten requests.
  add("list", 15, function() return list end)
  add("show", 20, function() return one end)
  add("page", 10, function() return page end)
  add("hello", 5, function() return hello end)
  add("session", 15, function() return visits end)
  add("me", 5, function() return me end)
  add("preflight", 10, function() return preflight end)
  add("missing", 5, function() return missing end)
  add("health", 5, function() return health end)
  add("refresh", 3, function()
    local t = table.remove(pool)
    if t == nil then return me end
    return wrk.format("POST", "/auth/refresh", { ["Content-Type"] = "application/json" },
      '{"refresh_token":"' .. t .. '"}')
  end)
  add("write", 10, function()
    local id = table.remove(created)
    if id ~= nil then return wrk.format("DELETE", "/api/v1/books/" .. id, auth, nil) end
    return create
  end)
  -- Single routes only (not in the mix): the validated POST alone, without its DELETE.
  routes["create"] = function() return create end
  if route ~= "mix" and routes[route] == nil then
    error("unknown route " .. route)
  end
  -- Interleaved, not grouped by route; the same order on every run.
  math.randomseed(18)
  for i = #order, 2, -1 do
    local j = math.random(i)
    order[i], order[j] = order[j], order[i]
  end
end

local n = 0

local function one()
  if route ~= "mix" then return routes[route]() end
  n = n + 1
  return routes[order[(n % #order) + 1]]()
end

function request()
  if depth <= 1 then return one() end
  local batch = {}
  for i = 1, depth do batch[i] = one() end
  return table.concat(batch)
end

-- 201s give an id to delete later, refreshes a new refresh token; everything else is counted by wrk itself.
function response(status, headers, body)
  if status == 201 and route ~= "create" then
    local id = string.match(body, '"id":(%d+)')
    if id ~= nil then created[#created + 1] = id end
  elseif status == 200 then
    local t = string.match(body, '"refresh_token":"([^"]+)"')
    if t ~= nil then pool[#pool + 1] = t end
  end
end

local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local recorded_latency = dofile(here .. "../showcase/wrk/latency.lua")
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local conns = 0
  for _, thread in ipairs(threads) do
    conns = tonumber(thread:get("connections")) or conns
  end
  local r = recorded_latency(summary, latency, conns)
  if r ~= nil then
    io.write(string.format('LATENCY {"count":%d,"p50":%d,"p99":%d}\n', r.count, r.p50, r.p99))
  end
end
