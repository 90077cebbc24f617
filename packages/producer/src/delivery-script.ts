/**
 * Applies every report of one webhook body in one round trip and atomically, so that two
 * deliveries of the same report racing each other cannot both count, and a report is never
 * half stored. KEYS[1] is the reference hash; the other keys are built from ARGV[1] (the
 * `<prefix>:sms:dlr:` base), which on a cluster shares KEYS[1]'s hash tag and so its slot.
 *
 * ARGV: base, the `sms` queue's job key base (`<prefix>:sms:`), default TTL (ms), unmatched list
 * cap, then per report 7 values: seen hash, recipient, state, part key, error code ("" for none),
 * StatusDateTime (ms), unmatched entry JSON.
 * Returns per report { outcome, jobId, state, sentAt, becameFinal, changed, callback }, where
 * callback is "" unless the SMS has a callback URL (the reference hash's `cb:<jobId>` field) and a
 * delivery state: then the JSON of what its `delivery` event needs (url, code, reportedAt, and
 * the job's progress, returnvalue and finishedOn), also for a duplicate, so that a body retried
 * after its event failed to enqueue enqueues it then. The last element is the TTL used (ms).
 */
export const RECORD_DELIVERY_REPORTS_LUA = `
local refKey = KEYS[1]
local base = ARGV[1]
local jobBase = ARGV[2]
local defaultTtl = tonumber(ARGV[3])
local unmatchedLimit = tonumber(ARGV[4])
local rank = { pending = 0, delivered = 1, expired = 2, failed = 3 }
local final = { delivered = true, expired = true, failed = true }

local ttl = redis.call('PTTL', refKey)
if ttl <= 0 then ttl = defaultTtl end
local sentAt = redis.call('HGET', refKey, 'sentAt') or ''

-- What the SMS's delivery callback needs, or '' when it has no callback URL or no state yet.
local function callbackOf(jobId)
  local url = redis.call('HGET', refKey, 'cb:' .. jobId)
  if not url then return '' end
  local stateKey = base .. 'state:' .. jobId
  local state, code, reportedAt = unpack(redis.call('HMGET', stateKey, 'state', 'code', 'reportedAt'))
  if not state then return '' end
  local progress, returnvalue, finishedOn =
    unpack(redis.call('HMGET', jobBase .. jobId, 'progress', 'returnvalue', 'finishedOn'))
  return cjson.encode({
    url = url, state = state, code = code or nil, reportedAt = reportedAt or nil,
    progress = progress or nil, returnvalue = returnvalue or nil, finishedOn = finishedOn or nil,
  })
end

local results = {}
local i = 5
while i + 6 <= #ARGV do
  local seenHash, recipient, state, part, code, at, entry =
    ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  i = i + 7
  if not redis.call('SET', base .. 'seen:' .. seenHash, '1', 'NX', 'PX', ttl) then
    local jobId = redis.call('HGET', refKey, recipient)
    local callback = ''
    if jobId then callback = callbackOf(jobId) end
    results[#results + 1] = { 'duplicate', jobId or '', '', '', 0, 0, callback }
  else
    local jobId = redis.call('HGET', refKey, recipient)
    if not jobId then
      redis.call('LPUSH', base .. 'unmatched', entry)
      redis.call('LTRIM', base .. 'unmatched', 0, unmatchedLimit - 1)
      results[#results + 1] = { 'unmatched', '', '', '', 0, 0, '' }
    else
      local stateKey = base .. 'state:' .. jobId
      local partField = 'part:' .. part
      local old = redis.call('HGET', stateKey, partField)
      local previous = redis.call('HGET', stateKey, 'state') or 'unknown'
      -- Within one part the worse news wins and a final state never goes back to pending.
      if old and rank[old] >= rank[state] then
        results[#results + 1] = { 'unchanged', jobId, previous, sentAt, 0, 0, callbackOf(jobId) }
      else
        redis.call('HSET', stateKey, partField, state)
        local fields = redis.call('HGETALL', stateKey)
        local anyFailed, anyExpired, allDelivered = false, false, true
        for f = 1, #fields, 2 do
          if string.sub(fields[f], 1, 5) == 'part:' then
            local s = fields[f + 1]
            if s == 'failed' then anyFailed = true
            elseif s == 'expired' then anyExpired = true
            elseif s ~= 'delivered' then allDelivered = false end
          end
        end
        local combined = 'pending'
        if anyFailed then combined = 'failed'
        elseif anyExpired then combined = 'expired'
        elseif allDelivered then combined = 'delivered' end
        -- A part first heard of after the SMS was final does not make it pending again.
        if combined == 'pending' and final[previous] then combined = previous end
        if combined == state then
          redis.call('HSET', stateKey, 'state', combined, 'reportedAt', at)
          if code == '' then redis.call('HDEL', stateKey, 'code')
          else redis.call('HSET', stateKey, 'code', code) end
        end
        redis.call('PEXPIRE', stateKey, ttl)
        local becameFinal, changed = 0, 0
        if final[combined] and not final[previous] then becameFinal = 1 end
        if combined ~= previous then changed = 1 end
        results[#results + 1] = { 'stored', jobId, combined, sentAt, becameFinal, changed, callbackOf(jobId) }
      end
    end
  end
end
results[#results + 1] = ttl
return results
`;
