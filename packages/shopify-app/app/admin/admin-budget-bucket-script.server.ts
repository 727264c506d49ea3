// The rules of admin-budget-bucket.server.ts in Lua, run by Redis atomically on one hash per shop:
//   level, updatedAt, maximum, restoreRate  the bucket as last reported, less what was reserved since
//   pausedUntil                             set by a THROTTLED answer
//   reportedSequence, sequence              which answer set the level; the reservation counter
//   inFlight:<sequence>                     "<points>:<expiresAt>" for each call not settled yet
// ARGV[1] is the time in ms ('' for Redis's own clock, the one every process shares), ARGV[2] the
// idle expiry and ARGV[3] how long an unsettled reservation counts; the rest are per script.

const prelude = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local idleExpiryMs = tonumber(ARGV[2])
local abandonAfterMs = tonumber(ARGV[3])

local function load()
  local fields = redis.call('HGETALL', key)
  local bucket = { inFlight = {} }
  for index = 1, #fields, 2 do
    local name, value = fields[index], fields[index + 1]
    local sequence = string.match(name, '^inFlight:(%d+)$')
    if sequence then
      local points, expiresAt = string.match(value, '^([^:]+):(.+)$')
      if tonumber(expiresAt) <= now then
        redis.call('HDEL', key, name)
      else
        bucket.inFlight[tonumber(sequence)] = tonumber(points)
      end
    else
      bucket[name] = tonumber(value)
    end
  end
  return bucket
end

local function levelAt(bucket)
  return math.min(bucket.maximum, bucket.level + (now - bucket.updatedAt) * bucket.restoreRate / 1000)
end
`;

/** ARGV[4] probe wait, ARGV[5] timer earliness, ARGV[6] points. Returns {1, sequence} or {0, waitMs}. */
export const reserveScript = `${prelude}
local probeWaitMs = tonumber(ARGV[4])
local timerEarlinessMs = tonumber(ARGV[5])
local points = tonumber(ARGV[6])
local bucket = load()

local pause = (bucket.pausedUntil or 0) - now
if pause > timerEarlinessMs then return { 0, math.ceil(pause) } end
if not bucket.restoreRate then
  if next(bucket.inFlight) then return { 0, probeWaitMs } end
else
  local needed = math.min(points, bucket.maximum)
  local level = levelAt(bucket)
  if level < needed then
    return { 0, math.max(1, math.ceil((needed - level) * 1000 / bucket.restoreRate)) }
  end
  redis.call('HSET', key, 'level', level - points, 'updatedAt', now)
end
local sequence = redis.call('HINCRBY', key, 'sequence', 1)
redis.call('HSET', key, 'inFlight:' .. sequence, points .. ':' .. (now + abandonAfterMs))
redis.call('PEXPIRE', key, idleExpiryMs)
return { 1, sequence }
`;

/**
 * ARGV[4] sequence, ARGV[5] actual cost, ARGV[6..8] currentlyAvailable, maximumAvailable and
 * restoreRate as reported, ARGV[9] pause in ms ('' when not known or none).
 */
export const settleScript = `${prelude}
local sequence = tonumber(ARGV[4])
local actualCost = tonumber(ARGV[5])
local currentlyAvailable = tonumber(ARGV[6])
local maximumAvailable = tonumber(ARGV[7])
local restoreRate = tonumber(ARGV[8])
local pauseMs = tonumber(ARGV[9])
local bucket = load()

local reserved = bucket.inFlight[sequence]
bucket.inFlight[sequence] = nil
redis.call('HDEL', key, 'inFlight:' .. sequence)
local usable = currentlyAvailable and maximumAvailable and restoreRate and maximumAvailable > 0 and restoreRate > 0
if usable and (not bucket.restoreRate or sequence > (bucket.reportedSequence or 0)) then
  local inFlight = 0
  for _, points in pairs(bucket.inFlight) do inFlight = inFlight + points end
  redis.call('HSET', key, 'level', currentlyAvailable - inFlight, 'updatedAt', now,
    'maximum', maximumAvailable, 'restoreRate', restoreRate, 'reportedSequence', sequence)
elseif reserved and bucket.restoreRate then
  local refund = math.max(0, reserved - (actualCost or reserved))
  redis.call('HSET', key, 'level', math.min(bucket.maximum, levelAt(bucket) + refund), 'updatedAt', now)
end
if pauseMs and pauseMs > 0 then
  redis.call('HSET', key, 'pausedUntil', math.max(bucket.pausedUntil or 0, now + pauseMs))
end
redis.call('PEXPIRE', key, idleExpiryMs)
return 1
`;
