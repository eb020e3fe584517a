-- wrk script: POSTs a random line of $BENCH_SAMPLES as a form body to $BENCH_PATH, with the
-- session cookie of $BENCH_COOKIE_FILE. Counts answers that are neither 2xx nor 3xx.
local samples = {}
for line in io.lines(os.getenv("BENCH_SAMPLES")) do samples[#samples + 1] = line end
local cookie = io.open(os.getenv("BENCH_COOKIE_FILE")):read("*l")
local path = os.getenv("BENCH_PATH")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }
local bad = 0

request = function()
  return wrk.format("POST", path, headers, samples[math.random(#samples)])
end

response = function(status)
  if status >= 400 then bad = bad + 1 end
end

done = function()
  io.write(string.format("errors %d\n", bad))
end
