/**
 * Applies every report of one webhook body in one round trip and atomically, so that two
 * deliveries of the same report racing each other cannot both count, and a report is never
 * half stored. KEYS[1] is the reference hash; the other keys are built from ARGV[1] (the
 * `<prefix>:sms:dlr:` base), which on a cluster shares KEYS[1]'s hash tag and so its slot.
 *
 * A report's de-duplication mark is a field of the reference hash (`seen:…`, set with `HSETNX`),
 * so it lives exactly as long as the reference and costs no key of its own. A body for a
 * reference that has no hash (unknown or expired) creates one holding only its marks, with the
 * default TTL, so that a repeat of an unmatched report is a duplicate there too.
 *
 * ARGV: base, the `sms` queue's job key base (`<prefix>:sms:`), default TTL (ms), unmatched list
 * cap, "1" when the unmatched entries are given, then per report 7 values: mark field, recipient,
 * state, part key, error code ("" for none), StatusDateTime (ms), unmatched entry JSON ("" when
 * not given). Building an entry costs more than most of the rest, and almost every report
 * matches, so the caller leaves them out: if a report not seen before matches no SMS, the script
 * answers `{ "entries" }` before writing anything, and the caller calls again with them.
 *
 * Returns a flat array: the TTL used (ms), then per report 7 values: outcome, jobId, state,
 * sentAt, becameFinal, changed, callback. callback is "" unless the SMS has a callback URL (the
 * reference hash's `cb:<jobId>` field) and a delivery state: then the JSON of what its `delivery`
 * event needs (url, code, reportedAt, and the job's progress, returnvalue and finishedOn), also
 * for a duplicate, so that a body retried after its event failed to enqueue enqueues it then.
 */
export const RECORD_DELIVERY_REPORTS_LUA = `
local refKey = KEYS[1]
local base = ARGV[1]
local jobBase = ARGV[2]
local defaultTtl = tonumber(ARGV[3])
local unmatchedLimit = tonumber(ARGV[4])
local withEntries = ARGV[5] == '1'
local FIRST, STRIDE = 6, 7
local rank = { pending = 0, delivered = 1, expired = 2, failed = 3 }
local final = { delivered = true, expired = true, failed = true }

-- sentAt and the job id of every report's recipient, read in chunks (Lua's unpack is bounded).
local wanted = { 'sentAt' }
for i = FIRST + 1, #ARGV, STRIDE do wanted[#wanted + 1] = ARGV[i] end
local found = {}
for from = 1, #wanted, 1000 do
  local values = redis.call('HMGET', refKey, unpack(wanted, from, math.min(from + 999, #wanted)))
  for k = 1, #values do found[from + k - 1] = values[k] end
end
local sentAt = found[1] or ''

if not withEntries then
  local n = 1
  for i = FIRST, #ARGV, STRIDE do
    n = n + 1
    if not found[n] and redis.call('HEXISTS', refKey, ARGV[i]) == 0 then return { 'entries' } end
  end
end

local ttl = redis.call('PTTL', refKey)
local created = ttl == -2
if ttl <= 0 then ttl = defaultTtl end

local urls = {}
-- What the SMS's delivery callback needs, or '' when it has no callback URL or no state yet.
local function callbackOf(jobId)
  local url = urls[jobId]
  if url == nil then
    url = redis.call('HGET', refKey, 'cb:' .. jobId)
    urls[jobId] = url
  end
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

local results = { ttl }
local function push(outcome, jobId, state, at, becameFinal, changed, callback)
  local r = #results
  results[r + 1], results[r + 2], results[r + 3], results[r + 4] = outcome, jobId, state, at
  results[r + 5], results[r + 6], results[r + 7] = becameFinal, changed, callback
end

local n = 1
for i = FIRST, #ARGV, STRIDE do
  n = n + 1
  local mark, state, part, code, at, entry =
    ARGV[i], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  local jobId = found[n]
  if redis.call('HSETNX', refKey, mark, '1') == 0 then
    push('duplicate', jobId or '', '', '', 0, 0, jobId and callbackOf(jobId) or '')
  elseif not jobId then
    redis.call('LPUSH', base .. 'unmatched', entry)
    redis.call('LTRIM', base .. 'unmatched', 0, unmatchedLimit - 1)
    push('unmatched', '', '', '', 0, 0, '')
  else
    local stateKey = base .. 'state:' .. jobId
    local partField = 'part:' .. part
    -- One read of the whole state hash: the SMS's state, this part's and every other part's.
    local fields = redis.call('HGETALL', stateKey)
    local previous, hasCode, old = 'unknown', false, nil
    local anyFailed, anyExpired, allDelivered = false, false, true
    for f = 1, #fields, 2 do
      local name, value = fields[f], fields[f + 1]
      if name == 'state' then previous = value
      elseif name == 'code' then hasCode = true
      elseif name == partField then old = value
      elseif string.sub(name, 1, 5) == 'part:' then
        if value == 'failed' then anyFailed = true
        elseif value == 'expired' then anyExpired = true
        elseif value ~= 'delivered' then allDelivered = false end
      end
    end
    -- Within one part the worse news wins and a final state never goes back to pending.
    if old and rank[old] >= rank[state] then
      push('unchanged', jobId, previous, sentAt, 0, 0, callbackOf(jobId))
    else
      if state == 'failed' then anyFailed = true
      elseif state == 'expired' then anyExpired = true
      elseif state ~= 'delivered' then allDelivered = false end
      local combined = 'pending'
      if anyFailed then combined = 'failed'
      elseif anyExpired then combined = 'expired'
      elseif allDelivered then combined = 'delivered' end
      -- A part first heard of after the SMS was final does not make it pending again.
      if combined == 'pending' and final[previous] then combined = previous end
      if combined ~= state then
        redis.call('HSET', stateKey, partField, state)
      elseif code ~= '' then
        redis.call('HSET', stateKey, partField, state, 'state', combined, 'reportedAt', at, 'code', code)
      else
        redis.call('HSET', stateKey, partField, state, 'state', combined, 'reportedAt', at)
        if hasCode then redis.call('HDEL', stateKey, 'code') end
      end
      redis.call('PEXPIRE', stateKey, ttl)
      local becameFinal, changed = 0, 0
      if final[combined] and not final[previous] then becameFinal = 1 end
      if combined ~= previous then changed = 1 end
      push('stored', jobId, combined, sentAt, becameFinal, changed, callbackOf(jobId))
    end
  end
end
if created then redis.call('PEXPIRE', refKey, ttl) end
return results
`;
