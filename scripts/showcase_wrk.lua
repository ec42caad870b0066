-- wrk script: POSTs one fixed request (BODY_FILE, CONTENT_TYPE from the environment) and checks
-- every answer byte for byte against EXPECTED_FILE (the answer the server gave alone).
local function slurp(path) local f = assert(io.open(path, "rb")); local s = f:read("*all"); f:close(); return s end
local body, expected = slurp(os.getenv("BODY_FILE")), slurp(os.getenv("EXPECTED_FILE"))
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0; differed = 0; checked = 0 end
function request() return wrk.format("POST", nil, { ["Content-Type"] = os.getenv("CONTENT_TYPE") }, body) end
function response(status, headers, answer)
  checked = checked + 1
  if status ~= 200 then failed = failed + 1 elseif answer ~= expected then differed = differed + 1 end
end
function done(summary, latency, requests)
  local f, d, c = 0, 0, 0
  for _, t in ipairs(threads) do f = f + t:get("failed"); d = d + t:get("differed"); c = c + t:get("checked") end
  io.write(string.format("RESULT requests=%d checked=%d non200=%d differed=%d socket_errors=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.1f\n",
    summary.requests, c, f, d, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
