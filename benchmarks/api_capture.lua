-- wrk script of benchmarks/api_capture.py: one distinct lead per request, a share sent twice.
--
-- The bodies file has one JSON lead a line; wrk thread i of n sends lines i, i+n, i+2n, ... so no two
-- threads send the same lead. Each line's Idempotency-Key is the run id and the line number. With
-- probability RETRY_SHARE the next request repeats the previous one (same key, same body), as a client
-- retries after a timeout. Environment: BODIES (file), TOKEN, RUN_ID, RETRY_SHARE, WRK_THREADS,
-- MODE ("leads": POST /api/v1/leads; "me": GET /api/v1/me, the floor of the same stack).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter - 1)
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("WRK_THREADS"))
  local mode = os.getenv("MODE") or "leads"
  local token = os.getenv("TOKEN")
  local run_id = os.getenv("RUN_ID")
  retry_share = tonumber(os.getenv("RETRY_SHARE") or "0")
  math.randomseed(1000 + index)
  requests_built = {}
  local line_no = 0
  if mode == "me" then
    local req = wrk.format("GET", "/api/v1/me", {["Authorization"] = "Bearer " .. token})
    table.insert(requests_built, req)
  else
    for line in io.lines(os.getenv("BODIES")) do
      if line_no % n == index then
        local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json",
                         ["Idempotency-Key"] = run_id .. "-" .. line_no}
        table.insert(requests_built, wrk.format("POST", "/api/v1/leads", headers, line))
      end
      line_no = line_no + 1
    end
  end
  mode_me = mode == "me"
  position = 0
  last = nil
  sent, retried, exhausted = 0, 0, 0
  statuses = {}
end

function request()
  sent = sent + 1
  if mode_me then
    return requests_built[1]
  end
  if last ~= nil and math.random() < retry_share then
    local again = last
    last = nil  -- a request is retried once at most
    retried = retried + 1
    return again
  end
  position = position + 1
  if position > #requests_built then
    -- Out of distinct bodies: wrap around (counted; these are replays of earlier keys, not new leads).
    position = 1
    exhausted = exhausted + 1
  end
  last = requests_built[position]
  return last
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local sent_all, retried_all, exhausted_all = 0, 0, 0
  local status_all = {}
  for _, t in ipairs(threads) do
    sent_all = sent_all + t:get("sent")
    retried_all = retried_all + t:get("retried")
    exhausted_all = exhausted_all + t:get("exhausted")
    for code, count in pairs(t:get("statuses")) do
      status_all[code] = (status_all[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(status_all) do
    table.insert(parts, string.format('"%d": %d', code, count))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, '
    .. '"timeouts": %d, "sent": %d, "retried": %d, "wrapped": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, sent_all, retried_all,
    exhausted_all, table.concat(parts, ", ")))
end
