-- The showcase's traffic mix for wrk (the kinds and weights are defined in bench/showcase/lib/mix.mjs):
--   wrk -t1 -c100 -d5s --latency -s wrk/mix.lua http://127.0.0.1:PORT -- DATA.lua
-- DATA.lua, written by the runner for each run, holds the kinds (method, path, a header set per client,
-- body), the order they are sent in (one cycle of 100), the refresh tokens of the clients' logins and the
-- pipelining depth. Every write sends `depth` requests, the next ones of the order.
-- Answers are tallied by status. A 201 (a created book) queues its id for the next delete; a 200 that carries
-- a refresh_token puts it in the pool for the next refresh (tokens rotate: each is good once). A delete with
-- no id queued sends a create instead, a refresh with an empty pool an auth.me; both are counted.
-- done() prints one line, `MIX {json}`: requests sent per kind, answers per status, substitutions, the
-- refresh tokens left in the pool, and the latencies wrk recorded (wrk/latency.lua).
-- The second argument after `--`, the number of connections, is what recorded_latency needs.

local kinds, order, depth
-- recorded_latency(summary, latency, connections), shared with bench/profile/mix.lua: in latency.lua beside
-- this file.
local here = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local recorded_latency = dofile(here .. "latency.lua")
local byname = {}
local pos = 0
local queue, qhead, qtail = {}, 1, 0
local pool = {}
local verified = false
local statuses = {}

-- What done() reads, in wrk's main Lua state, with thread:get(): plain strings and numbers only (wrk 4.1
-- crashes now and then copying a table between states). `names` lists the kinds, `sent_<i>` counts the
-- requests of kind i, `status_<code>` the answers of a status, `seen` the statuses met, `pool_left` the
-- refresh tokens still pooled (the runner keeps them for the next run).
names = ""
seen = ""
pool_left = ""
sub_delete = 0
sub_refresh = 0
connections = 0

local function keep_pool()
  pool_left = table.concat(pool, ",")
end

function init(args)
  local data = dofile(args[1])
  depth, kinds, order, pool = data.depth, data.kinds, data.order, data.refresh
  connections = tonumber(args[2]) or 0
  local list = {}
  for i, k in ipairs(kinds) do
    byname[k.name] = k
    k.turn = 0
    k.counter = "sent_" .. i
    _G[k.counter] = 0
    list[i] = k.name
    if k.body == "" then k.body = nil end
    if k.dynamic == "" then
      k.static = {}
      for v, headers in ipairs(k.variants) do
        k.static[v] = wrk.format(k.method, k.path, headers, k.body)
      end
    end
  end
  names = table.concat(list, ",")
  keep_pool()
end

local function build(k)
  k.turn = k.turn % #k.variants + 1
  if k.dynamic == "delete" then
    if qhead > qtail then
      sub_delete = sub_delete + 1
      return build(byname["books.create"])
    end
    local id = queue[qhead]
    queue[qhead] = nil
    qhead = qhead + 1
    _G[k.counter] = _G[k.counter] + 1
    local path = string.gsub(k.path, "{id}", id)
    return wrk.format(k.method, path, k.variants[k.turn], nil)
  elseif k.dynamic == "refresh" then
    local token = table.remove(pool)
    if token == nil then
      sub_refresh = sub_refresh + 1
      return build(byname["auth.me"])
    end
    keep_pool()
    _G[k.counter] = _G[k.counter] + 1
    local body = string.gsub(k.body, "{refresh}", token)
    return wrk.format(k.method, k.path, k.variants[k.turn], body)
  end
  _G[k.counter] = _G[k.counter] + 1
  return k.static[k.turn]
end

function request()
  -- wrk calls request() once before the run, only to count how many requests one write holds: answer with
  -- as many of a static kind, without touching the queue, the pool or the counts.
  if not verified then
    verified = true
    for _, k in ipairs(kinds) do
      if k.static then return string.rep(k.static[1], depth) end
    end
  end
  local parts = {}
  for i = 1, depth do
    pos = pos % #order + 1
    parts[i] = build(kinds[order[pos]])
  end
  return table.concat(parts)
end

function response(status, headers, body)
  local n = statuses[status]
  if n == nil then
    seen = seen == "" and tostring(status) or (seen .. "," .. status)
    n = 0
  end
  statuses[status] = n + 1
  _G["status_" .. status] = n + 1
  if status == 201 then
    local location = headers["location"] or headers["Location"] or ""
    local id = string.match(location, "(%d+)$") or string.match(body or "", '"id"%s*:%s*(%d+)')
    if id then
      qtail = qtail + 1
      queue[qtail] = id
    end
  elseif status == 200 and body and string.find(body, '"refresh_token"', 1, true) then
    local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
    if token then
      pool[#pool + 1] = token
      keep_pool()
    end
  end
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

local function add(t, key, n)
  if n and n > 0 then t[key] = (t[key] or 0) + n end
end

local function json(t)
  local parts = {}
  for key, n in pairs(t) do
    parts[#parts + 1] = string.format('"%s":%d', tostring(key), n)
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local sent, st, sub, pooled = {}, {}, {}, {}
  local conns = 0
  for _, thread in ipairs(threads) do
    local i = 0
    for name in string.gmatch(thread:get("names"), "[^,]+") do
      i = i + 1
      add(sent, name, thread:get("sent_" .. i))
    end
    for code in string.gmatch(thread:get("seen"), "[^,]+") do
      add(st, code, thread:get("status_" .. code))
    end
    add(sub, "books.delete -> books.create", thread:get("sub_delete"))
    add(sub, "auth.refresh -> auth.me", thread:get("sub_refresh"))
    for token in string.gmatch(thread:get("pool_left"), "[^,]+") do
      pooled[#pooled + 1] = '"' .. token .. '"'
    end
    -- Every thread was given the run's number of connections (wrk -t1 here: one thread).
    conns = tonumber(thread:get("connections")) or conns
  end
  local recorded = recorded_latency(summary, latency, conns)
  io.write(string.format('MIX {"sent":%s,"statuses":%s,"substituted":%s,"pool":[%s],"latency":%s}\n',
    json(sent), json(st), json(sub), table.concat(pooled, ","), recorded and json(recorded) or "null"))
end
