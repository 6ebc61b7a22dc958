-- For wrk's done(summary, latency, requests): the latencies wrk recorded, with its after-the-run correction
-- undone. Loaded with dofile() by bench/showcase/wrk/mix.lua and bench/profile/mix.lua; returns the function.
--
-- The latencies wrk recorded, each one from a write to the last answer it asked for (one request, or `depth`
-- pipelined), as {count, p50, p99} in µs; nil when none was recorded or the connections are unknown.
-- Before done(), wrk 4.1 "corrects" its histogram (stats_correct): it takes the expected interval
-- e = duration / (answers / connections) and, for each recorded latency n >= 2e, adds one made-up sample at
-- n - e, n - 2e, … down to just above e. Two things go wrong with that: the made-up samples below the
-- smallest recorded latency are counted but never reached by its percentile walk, which starts at the
-- minimum, so a percentile near the top asks for a rank the walk never gets to and comes out as 0; and when
-- pipelining, `answers` counts requests, not writes, so e is `depth` times too short and most of the samples
-- are made up. The sums below undo the correction exactly (for m > e it added to bucket m the recorded
-- counts of m + e, m + 2e, …), from the top down, so what is left is what wrk measured.
return function(summary, latency, conns)
  local distinct = #latency
  if conns == nil or conns < 1 or distinct == 0 then return nil end
  local per_connection = math.floor(summary.requests / conns)
  local e = per_connection > 0 and math.floor(summary.duration / per_connection) or 0
  -- latency(i): the i-th smallest latency present (µs) and its count, from the minimum up (wrk 4.1's Lua
  -- API; latency[i] is not the histogram there). Buckets below the minimum hold only made-up samples.
  local values, counts = {}, {}
  for i = 1, distinct do
    values[i], counts[i] = latency(i)
  end
  local sums, total = {}, 0
  for i = distinct, 1, -1 do
    local v, n = values[i], counts[i]
    if e > 0 and v > e then
      local r = v % e
      local above = sums[r] or 0
      n = n - above
      sums[r] = above + n
    end
    counts[i] = n
    total = total + n
  end
  if total <= 0 then return nil end
  -- The same rank as wrk's percentile: round(p / 100 * count + 0.5).
  local function percentile(p)
    local rank, seen = math.floor(p / 100 * total + 1), 0
    for i = 1, distinct do
      seen = seen + counts[i]
      if seen >= rank then return values[i] end
    end
    return values[distinct]
  end
  return { count = total, p50 = percentile(50), p99 = percentile(99), expected = e }
end
