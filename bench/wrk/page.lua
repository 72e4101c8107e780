-- wrk script of bench/load.py for a page read with GET (every scenario but the submission, and
-- the bare Django view): the request is wrk's own (the URL, the -H headers); each answer whose
-- status is not the expected one (the first argument after "--", 200 by default) is counted,
-- so a redirect to the sign-in page or a 404 never passes for a page served. done() prints one
-- line "BENCH {json}" that bench/load.py reads: requests, duration, latency percentiles (µs,
-- wrk's histogram), wrk's socket and status errors and the unexpected answers.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   expected = tonumber(args[1]) or 200
   unexpected = 0
   first_unexpected = ""
end

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
      if first_unexpected == "" then
         first_unexpected = tostring(status) .. " " .. (headers["Location"] or "")
      end
   end
end

local function clean(text)
   return (string.gsub(text, '[^%w%s/:%.%-_%?=&]', "?"))
end

function done(summary, latency, requests)
   local bad, first = 0, ""
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("unexpected")
      if first == "" then
         first = thread:get("first_unexpected")
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
         .. '"mean_us": %.1f, "max_us": %d, "connect_errors": %d, "read_errors": %d, '
         .. '"write_errors": %d, "timeouts": %d, "status_errors": %d, "unexpected": %d, '
         .. '"first_unexpected": "%s"}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.timeout,
      e.status, bad, clean(first)))
end
