-- ikev2-ha.lua: a Wireshark/tshark post-dissector for the IKEv2 high-availability notifies.
--
-- Decodes, in cleartext and in decrypted SK/SKF content (with the ikev2_decryption_table UAT):
--   16420 IKEV2_MESSAGE_ID_SYNC_SUPPORTED       (RFC 6311 §6.1, no data)
--   16421 IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED   (RFC 6311 §6.2, no data)
--   16422 IKEV2_MESSAGE_ID_SYNC                 (RFC 6311 §6.3: nonce, EXPECTED_SEND_REQ_MESSAGE_ID,
--                                                EXPECTED_RECV_REQ_MESSAGE_ID, 4 octets each)
--   16423 IPSEC_REPLAY_COUNTER_SYNC             (RFC 6311 §6.4: a 4-octet delta, 8 octets with ESN)
--   N-1   IKEV2_MESSAGE_ID_RESET_SUPPORTED      (swift-ikev2 private-use extension, no data)
--   N     IKEV2_MESSAGE_ID_RESET                (nonce, NEW_SEND_REQ_MESSAGE_ID,
--                                                NEW_RECV_REQ_MESSAGE_ID, 4 octets each)
-- N is the preference "ikev2ha.reset_type" (default 49374, like `ikev2 --reset-notify-type`).
--
-- The checks are those of the swift-ikev2 NotifyDecoder: Protocol ID and SPI Size must be 0 and
-- the data length exact (RFC 6311 §6.1-§6.4). A notify that breaks them gets an expert error and
-- no value fields.
--
-- Install: see README.md next to this file. Needs Wireshark 3.x or later (tested with 4.0).

local PLUGIN_VERSION = "1.0.0"
if set_plugin_info then
    set_plugin_info({
        version = PLUGIN_VERSION,
        description = "IKEv2 HA notifies (RFC 6311 and the swift-ikev2 Message ID reset)",
        repository = "swift-ikev2 contrib/wireshark",
    })
end

local DEFAULT_RESET_TYPE = 49374
local PRIVATE_STATUS_MIN = 40960   -- RFC 7296 §3.10.1: private-use status types are 40960-65535

local MESSAGE_ID_SYNC_SUPPORTED = 16420
local REPLAY_COUNTER_SYNC_SUPPORTED = 16421
local MESSAGE_ID_SYNC = 16422
local REPLAY_COUNTER_SYNC = 16423

local ha = Proto("ikev2ha", "IKEv2 HA")

local hf = {
    notify = ProtoField.uint16("ikev2ha.notify", "HA notify", base.DEC, nil, nil,
        "Notify Message Type of an HA notify"),
    name = ProtoField.string("ikev2ha.notify.name", "Name"),
    supported = ProtoField.uint16("ikev2ha.supported", "Supported capability", base.DEC, nil, nil,
        "An HA capability claimed by the sender (the *_SUPPORTED notify type)"),
    sync_nonce = ProtoField.uint32("ikev2ha.sync.nonce", "Nonce", base.HEX, nil, nil,
        "RFC 6311 §6.3: echoed in the response"),
    sync_send = ProtoField.uint32("ikev2ha.sync.expected_send_req_message_id",
        "EXPECTED_SEND_REQ_MESSAGE_ID", base.DEC, nil, nil,
        "RFC 6311 §6.3: the Message ID the sender uses in its next request"),
    sync_recv = ProtoField.uint32("ikev2ha.sync.expected_recv_req_message_id",
        "EXPECTED_RECV_REQ_MESSAGE_ID", base.DEC, nil, nil,
        "RFC 6311 §6.3: the Message ID the sender expects in the next request it receives"),
    replay_delta = ProtoField.uint64("ikev2ha.replay.delta", "Delta", base.DEC, nil, nil,
        "RFC 6311 §6.4: added to the outbound sequence numbers of the sender's incoming Child SAs"),
    replay_esn = ProtoField.bool("ikev2ha.replay.esn", "Extended Sequence Numbers (8-octet delta)"),
    reset_nonce = ProtoField.uint32("ikev2ha.reset.nonce", "Nonce", base.HEX, nil, nil,
        "Echoed in the response"),
    reset_send = ProtoField.uint32("ikev2ha.reset.new_send_req_message_id",
        "NEW_SEND_REQ_MESSAGE_ID", base.DEC, nil, nil,
        "The Message ID the sender uses in its next request"),
    reset_recv = ProtoField.uint32("ikev2ha.reset.new_recv_req_message_id",
        "NEW_RECV_REQ_MESSAGE_ID", base.DEC, nil, nil,
        "The Message ID the sender expects in the next request it receives"),
}
ha.fields = hf

local ef = {
    malformed = ProtoExpert.new("ikev2ha.malformed", "HA notify breaks its layout",
        expert.group.MALFORMED, expert.severity.ERROR),
    truncated = ProtoExpert.new("ikev2ha.truncated", "Notify payload runs past the data",
        expert.group.MALFORMED, expert.severity.ERROR),
}
ha.experts = ef

ha.prefs.reset_type = Pref.uint("Reset notify type", DEFAULT_RESET_TYPE,
    "Notify number of IKEV2_MESSAGE_ID_RESET (private use, 40961-65535; default 49374). " ..
    "Its SUPPORTED notify is this number minus 1. Another value turns the reset decoding off.")
ha.prefs.info_column = Pref.bool("Show HA notifies in the Info column", true,
    "Append the HA notify names to the Info column")

local f_msgtype = Field.new("isakmp.notify.msgtype")
local f_mjver = Field.new("isakmp.mjver")

-- The configured reset pair, or nil when the preference is out of range.
local function reset_types()
    local n = ha.prefs.reset_type
    if n == nil or n <= PRIVATE_STATUS_MIN or n > 65535 then return nil, nil end
    return n - 1, n
end

local function notify_name(t, reset_supported, reset)
    if t == MESSAGE_ID_SYNC_SUPPORTED then return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED" end
    if t == REPLAY_COUNTER_SYNC_SUPPORTED then return "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED" end
    if t == MESSAGE_ID_SYNC then return "IKEV2_MESSAGE_ID_SYNC" end
    if t == REPLAY_COUNTER_SYNC then return "IPSEC_REPLAY_COUNTER_SYNC" end
    if reset_supported ~= nil and t == reset_supported then return "IKEV2_MESSAGE_ID_RESET_SUPPORTED" end
    if reset ~= nil and t == reset then return "IKEV2_MESSAGE_ID_RESET" end
    return nil
end

-- The three 4-octet values of IKEV2_MESSAGE_ID_SYNC and IKEV2_MESSAGE_ID_RESET.
local function add_triple(sub, data, nonce_f, send_f, recv_f, send_label, recv_label)
    local nonce, send, recv = data:range(0, 4), data:range(4, 4), data:range(8, 4)
    sub:add(nonce_f, nonce)
    sub:add(send_f, send)
    sub:add(recv_f, recv)
    return string.format(": nonce 0x%08x, %s %u, %s %u", nonce:uint(), send_label, send:uint(),
        recv_label, recv:uint())
end

-- Decodes one notify whose Notify Message Type field is `fi` (an isakmp.notify.msgtype field).
-- Returns the notify's name when it is an HA notify, else nil.
local function decode_notify(fi, tree, pinfo, reset_supported, reset)
    local t = fi.value
    local name = notify_name(t, reset_supported, reset)
    if name == nil then return nil end
    local src = fi.source
    if src == nil then return nil end
    -- IKEv2 Notify (RFC 7296 §3.10): generic header (next payload, flags, length), Protocol ID,
    -- SPI Size, Notify Message Type, SPI, data. `fi` covers the 2-octet type.
    local type_off = fi.offset
    local start = type_off - 6
    if start < 0 or type_off + 2 > src:len() then return nil end
    local sub = tree:add(ha, src:range(start, 8))
    sub:add(hf.notify, fi.range):append_text(" (" .. name .. ")")
    sub:add(hf.name, fi.range, name):set_generated()
    sub:set_text("IKEv2 HA: " .. name .. " (" .. t .. ")")

    local payload_len = src:range(start + 2, 2):uint()
    local proto_id = src:range(start + 4, 1):uint()
    local spi_size = src:range(start + 5, 1):uint()
    local data_off = type_off + 2 + spi_size
    local data_len = payload_len - 8 - spi_size
    if data_len < 0 or start + payload_len > src:len() then
        sub:add_proto_expert_info(ef.truncated,
            string.format("Payload Length %d does not hold the header and a %d-octet SPI in %d octets",
                payload_len, spi_size, src:len() - start))
        return name
    end
    sub:set_len(payload_len)
    local section = (t == reset or t == reset_supported) and "Message ID reset extension" or
        (t == MESSAGE_ID_SYNC_SUPPORTED and "RFC 6311 §6.1") or
        (t == REPLAY_COUNTER_SYNC_SUPPORTED and "RFC 6311 §6.2") or
        (t == MESSAGE_ID_SYNC and "RFC 6311 §6.3") or "RFC 6311 §6.4"
    if proto_id ~= 0 then
        sub:add_proto_expert_info(ef.malformed,
            string.format("%s: Protocol ID must be 0, got %d", section, proto_id))
        return name
    end
    if spi_size ~= 0 then
        sub:add_proto_expert_info(ef.malformed,
            string.format("%s: SPI Size must be 0, got %d", section, spi_size))
        return name
    end
    local function bad_length(want)
        sub:add_proto_expert_info(ef.malformed,
            string.format("%s: data must be %s octets, got %d", section, want, data_len))
    end

    if t == MESSAGE_ID_SYNC_SUPPORTED or t == REPLAY_COUNTER_SYNC_SUPPORTED or t == reset_supported then
        if data_len ~= 0 then bad_length("0"); return name end
        sub:add(hf.supported, fi.range):append_text(" (" .. name .. ")")
    elseif t == MESSAGE_ID_SYNC then
        if data_len ~= 12 then bad_length("12"); return name end
        sub:append_text(add_triple(sub, src:range(data_off, 12), hf.sync_nonce, hf.sync_send,
            hf.sync_recv, "send", "recv"))
    elseif t == REPLAY_COUNTER_SYNC then
        if data_len ~= 4 and data_len ~= 8 then bad_length("4 or 8"); return name end
        local d = src:range(data_off, data_len)
        local value = data_len == 8 and d:uint64() or UInt64(d:uint())
        sub:add(hf.replay_delta, d, value)
        sub:add(hf.replay_esn, d, data_len == 8):set_generated()
        sub:append_text(": delta " .. tostring(value) .. (data_len == 8 and " (ESN)" or ""))
    elseif t == reset then
        if data_len ~= 12 then bad_length("12"); return name end
        sub:append_text(add_triple(sub, src:range(data_off, 12), hf.reset_nonce, hf.reset_send,
            hf.reset_recv, "new send", "new recv"))
    end
    return name
end

function ha.dissector(tvb, pinfo, tree)
    local types = { f_msgtype() }
    if #types == 0 then return end
    -- isakmp.notify.msgtype is also IKEv1's; only IKEv2 (major version 2) messages are decoded.
    for _, v in ipairs({ f_mjver() }) do
        if v.value ~= 2 then return end
    end
    local reset_supported, reset = reset_types()
    local names = {}
    for _, fi in ipairs(types) do
        local name = decode_notify(fi, tree, pinfo, reset_supported, reset)
        if name ~= nil then names[#names + 1] = name end
    end
    if #names > 0 and ha.prefs.info_column then
        pinfo.cols.info:append(" [HA: " .. table.concat(names, ", ") .. "]")
    end
end

register_postdissector(ha)
