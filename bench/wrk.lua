-- The cross-check's reading of one wrk run (bench/load.py, ``crosscheck``): wrk itself counts
-- only answers of 400 and over as errors, so a redirect to the log-in page would pass as a
-- success; here every answer but a 2xx is a failure. Printed as one JSON line at the end.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failed = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"wrk": 1, "requests": %d, "seconds": %.6f, "bytes": %d, "failures": %d, "socket_errors": %d, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, failures,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000
  ))
end
