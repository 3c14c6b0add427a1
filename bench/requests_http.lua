-- wrk script for bench/requests_http.py.
-- POST mode (args: mode=post, body file, first line, thread count): each request sends the
-- next pre-built form body (a unique signed challenge token, so a unique idempotency key).
-- GET mode (args: mode=get): plain requests. Both print one JSON line of results at the end.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  mode = args[1]
  if mode == "post" then
    first = tonumber(args[3])
    nthreads = tonumber(args[4])
    rows = {}
    for line in io.lines(args[2]) do rows[#rows + 1] = line end
    idx = first + id + 1
    wrapped = 0
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

function request()
  if mode ~= "post" then
    return wrk.format()
  end
  local body = rows[idx]
  idx = idx + nthreads
  if idx > #rows then
    idx = id + 1
    wrapped = wrapped + 1
  end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
