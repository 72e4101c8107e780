-- wrk script of bench/load.py for the public form: every submission is a real one, as a
-- browser sends it. GET /kirim/ gives the CSRF cookie, the CSRF token and the form's signed
-- one-time key (aspirasi/web/once.py) and the categories; the POST that follows sends them back
-- with a unique subject, text and e-mail address, and must be answered 302 to the receipt
-- (/terkirim/<code>/<secret>/). The receipt itself is not fetched.
--
-- Run with ONE CONNECTION PER THREAD (wrk -t N -c N; bench/load.py does): wrk calls request()
-- and response() in strict turn per connection, but passes no connection to them, so a thread
-- with a single connection is what pairs each POST with the form it was read from, and times
-- each POST on its own (LuaJIT's ffi and clock_gettime(CLOCK_MONOTONIC)). wrk's own histogram
-- mixes the GETs and the POSTs; done() prints both.
--
-- Argument after "--": a word that makes this run's texts unique (bench/load.py gives one).
-- done() prints one line "BENCH {json}".

local ffi = require("ffi")
ffi.cdef [[
typedef struct bench_timespec { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec[1]")

local function now_us()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
   return tonumber(clock[0].tv_sec) * 1000000 + tonumber(clock[0].tv_nsec) / 1000
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   run = args[1] or "run"
   cookie = nil        -- the csrftoken cookie, sent back as a browser does
   form = nil          -- the last form read: token, once
   categories = nil    -- the category choices of the form
   sent = nil          -- what the request in flight is: "GET" or "POST"
   pending = nil       -- and its text
   sent_at = 0
   number = 0
   gets, forms_read, posts, receipts, sent_again = 0, 0, 0, 0, 0
   bad, first_bad = 0, ""
   get_latency, post_latency = {}, {}
end

local function encode(text)
   return (string.gsub(text, "[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local function body_of(fields)
   local parts = {}
   for _, pair in ipairs(fields) do
      parts[#parts + 1] = pair[1] .. "=" .. encode(pair[2])
   end
   return table.concat(parts, "&")
end

local function headers_with(extra)
   local headers = {}
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   if cookie then
      headers["Cookie"] = "csrftoken=" .. cookie
   end
   for name, value in pairs(extra) do
      headers[name] = value
   end
   return headers
end

function request()
   if sent ~= nil then
      -- The last request was never answered: wrk could not write it yet (and asks again), or
      -- reconnected after an error. The same request again, uncounted: a POST sent twice with
      -- one key makes one case (its repeat answers 302 to the first receipt).
      sent_again = sent_again + 1
      sent_at = now_us()
      return pending
   end
   if form then
      number = number + 1
      local tag = string.format("%s-t%d-%d", run, id, number)
      local fields = {
         { "csrfmiddlewaretoken", form.token },
         { "once", form.once },
         { "privacy", "biasa" },
         { "customer_name", "Peserta Uji Beban " .. id },
         { "customer_type", "mahasiswa" },
         { "customer_number", "" },
         { "customer_email", "uji-" .. tag .. "@example.org" },
         { "customer_phone", "" },
         { "category", categories[(number % #categories) + 1] },
         -- Without the common word the inbox search looks for (bench.json's search_word;
         -- bench/load.py checks), so the cases added here do not change what it finds.
         { "subject", "Uji beban " .. tag .. ": jadwal praktikum bentrok" },
         { "body", "Aspirasi uji beban " .. tag .. ". Jadwal praktikum Fisika Dasar bentrok "
            .. "dengan kuliah Kalkulus pada hari Selasa pagi. Mohon salah satunya dipindahkan "
            .. "agar mahasiswa angkatan baru dapat mengikuti keduanya." },
         { "desired_outcome", "Jadwal praktikum dipindah ke hari lain." },
         { "website", "" },
      }
      form = nil
      sent, posts = "POST", posts + 1
      local headers = headers_with({ ["Content-Type"] = "application/x-www-form-urlencoded" })
      pending = wrk.format("POST", wrk.path, headers, body_of(fields))
      sent_at = now_us()
      return pending
   end
   sent, gets = "GET", gets + 1
   pending = wrk.format("GET", wrk.path, headers_with({}))
   sent_at = now_us()
   return pending
end

local function note_bad(what, status, detail)
   bad = bad + 1
   if first_bad == "" then
      first_bad = what .. " " .. tostring(status) .. " " .. (detail or "")
   end
end

local function read_form(body)
   local token = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
   local once = string.match(body, 'name="once" value="([^"]+)"')
      or string.match(body, 'value="([^"]+)" name="once"')
   if categories == nil then
      local select = string.match(body, '<select name="category".-</select>')
      if select then
         categories = {}
         for value in string.gmatch(select, '<option value="(%d+)"') do
            categories[#categories + 1] = value
         end
         if #categories == 0 then
            categories = nil
         end
      end
   end
   if token and once and categories then
      return { token = token, once = once }
   end
   return nil
end

function response(status, headers, body)
   local elapsed = now_us() - sent_at
   local what = sent
   sent = nil
   local set_cookie = headers["Set-Cookie"]
   if set_cookie then
      cookie = string.match(set_cookie, "csrftoken=([^;]+)") or cookie
   end
   if what == "POST" then
      local location = headers["Location"] or ""
      if status == 302 and string.find(location, "/terkirim/", 1, true) then
         receipts = receipts + 1
         post_latency[#post_latency + 1] = elapsed
      else
         note_bad("POST", status, location)
      end
   elseif what == "GET" then
      if status == 200 then
         form = read_form(body)
      end
      if form then
         forms_read = forms_read + 1
         get_latency[#get_latency + 1] = elapsed
      else
         note_bad("GET", status, "no form with a CSRF token, a one-time key and categories")
      end
   end
end

local function percentile(sorted, share)
   if #sorted == 0 then
      return 0
   end
   local rank = math.max(1, math.ceil(share * #sorted))
   return sorted[rank]
end

local function clean(text)
   return (string.gsub(text, '[^%w%s/:%.%-_%?=&,]', "?"))
end

function done(summary, latency, requests)
   local totals = { gets = 0, forms_read = 0, posts = 0, receipts = 0, sent_again = 0, bad = 0 }
   local first = ""
   local get_all, post_all = {}, {}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + thread:get(name)
      end
      if first == "" then
         first = thread:get("first_bad")
      end
      for _, value in ipairs(thread:get("get_latency")) do
         get_all[#get_all + 1] = value
      end
      for _, value in ipairs(thread:get("post_latency")) do
         post_all[#post_all + 1] = value
      end
   end
   table.sort(get_all)
   table.sort(post_all)
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
         .. '"mean_us": %.1f, "max_us": %d, "connect_errors": %d, "read_errors": %d, '
         .. '"write_errors": %d, "timeouts": %d, "status_errors": %d, '
         .. '"gets": %d, "forms_read": %d, "posts": %d, "receipts": %d, "sent_again": %d, '
         .. '"unexpected": %d, "first_unexpected": "%s", '
         .. '"post_p50_us": %d, "post_p95_us": %d, "post_p99_us": %d, "post_max_us": %d, '
         .. '"get_p50_us": %d, "get_p95_us": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.timeout,
      e.status, totals.gets, totals.forms_read, totals.posts, totals.receipts, totals.sent_again,
      totals.bad, clean(first), percentile(post_all, 0.50), percentile(post_all, 0.95),
      percentile(post_all, 0.99), percentile(post_all, 1.0), percentile(get_all, 0.50),
      percentile(get_all, 0.95)))
end
