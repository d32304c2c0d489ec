/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const vitalive = $root.vitalive = (() => {

    /**
     * Namespace vitalive.
     * @exports vitalive
     * @namespace
     */
    const vitalive = {};

    vitalive.device = (function() {

        /**
         * Namespace device.
         * @memberof vitalive
         * @namespace
         */
        const device = {};

        /**
         * Metric enum.
         * @name vitalive.device.Metric
         * @enum {number}
         * @property {number} METRIC_UNSPECIFIED=0 METRIC_UNSPECIFIED value
         * @property {number} WEIGHT_KG=1 WEIGHT_KG value
         * @property {number} BODY_FAT_PCT=2 BODY_FAT_PCT value
         * @property {number} MUSCLE_MASS_KG=3 MUSCLE_MASS_KG value
         * @property {number} VISCERAL_FAT_LEVEL=4 VISCERAL_FAT_LEVEL value
         * @property {number} BMI=5 BMI value
         * @property {number} SYSTOLIC_MMHG=6 SYSTOLIC_MMHG value
         * @property {number} DIASTOLIC_MMHG=7 DIASTOLIC_MMHG value
         * @property {number} PULSE_BPM=8 PULSE_BPM value
         * @property {number} GLUCOSE_MMOL_L=9 GLUCOSE_MMOL_L value
         */
        device.Metric = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "METRIC_UNSPECIFIED"] = 0;
            values[valuesById[1] = "WEIGHT_KG"] = 1;
            values[valuesById[2] = "BODY_FAT_PCT"] = 2;
            values[valuesById[3] = "MUSCLE_MASS_KG"] = 3;
            values[valuesById[4] = "VISCERAL_FAT_LEVEL"] = 4;
            values[valuesById[5] = "BMI"] = 5;
            values[valuesById[6] = "SYSTOLIC_MMHG"] = 6;
            values[valuesById[7] = "DIASTOLIC_MMHG"] = 7;
            values[valuesById[8] = "PULSE_BPM"] = 8;
            values[valuesById[9] = "GLUCOSE_MMOL_L"] = 9;
            return values;
        })();

        device.Reading = (function() {

            /**
             * Properties of a Reading.
             * @typedef {Object} vitalive.device.Reading.$Properties
             * @property {string|null} [deviceId] Reading deviceId
             * @property {number|null} [bootId] Reading bootId
             * @property {number|Long|null} [seq] Reading seq
             * @property {vitalive.device.Metric|null} [metric] Reading metric
             * @property {number|null} [value] Reading value
             * @property {number|Long|null} [measuredAtMs] Reading measuredAtMs
             * @property {string|null} [memberCode] Reading memberCode
             * @property {string|null} [eventId] Reading eventId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Reading.
             * @memberof vitalive.device
             * @interface IReading
             * @augments vitalive.device.Reading.$Properties
             * @deprecated Use vitalive.device.Reading.$Properties instead.
             */

            /**
             * Shape of a Reading.
             * @typedef {vitalive.device.Reading.$Properties} vitalive.device.Reading.$Shape
             */

            /**
             * Constructs a new Reading.
             * @memberof vitalive.device
             * @classdesc Represents a Reading.
             * @constructor
             * @param {vitalive.device.Reading.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Reading = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Reading deviceId.
             * @member {string} deviceId
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.deviceId = "";

            /**
             * Reading bootId.
             * @member {number} bootId
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.bootId = 0;

            /**
             * Reading seq.
             * @member {number|Long} seq
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Reading metric.
             * @member {vitalive.device.Metric} metric
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.metric = 0;

            /**
             * Reading value.
             * @member {number} value
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.value = 0;

            /**
             * Reading measuredAtMs.
             * @member {number|Long} measuredAtMs
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.measuredAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Reading memberCode.
             * @member {string|null|undefined} memberCode
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.memberCode = null;

            /**
             * Reading eventId.
             * @member {string|null|undefined} eventId
             * @memberof vitalive.device.Reading
             * @instance
             */
            Reading.prototype.eventId = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Reading.prototype, "_memberCode", {
                get: $util.oneOfGetter($oneOfFields = ["memberCode"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Reading.prototype, "_eventId", {
                get: $util.oneOfGetter($oneOfFields = ["eventId"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Reading instance using the specified properties.
             * @function create
             * @memberof vitalive.device.Reading
             * @static
             * @param {vitalive.device.Reading.$Properties=} [properties] Properties to set
             * @returns {vitalive.device.Reading} Reading instance
             * @type {{
             *   (properties: vitalive.device.Reading.$Shape): vitalive.device.Reading & vitalive.device.Reading.$Shape;
             *   (properties?: vitalive.device.Reading.$Properties): vitalive.device.Reading;
             * }}
             */
            Reading.create = function(properties) {
                return new Reading(properties);
            };

            /**
             * Encodes the specified Reading message. Does not implicitly {@link vitalive.device.Reading.verify|verify} messages.
             * @function encode
             * @memberof vitalive.device.Reading
             * @static
             * @param {vitalive.device.Reading.$Properties} m Reading message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Reading.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.bootId != null && $Object.hasOwnProperty.call(m, "bootId") && m.bootId !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).uint32(m.bootId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.seq);
                if (m.metric != null && $Object.hasOwnProperty.call(m, "metric") && m.metric !== 0)
                    w.uint32(/* id 4, wireType 0 =*/32).int32(m.metric);
                if (m.value != null && $Object.hasOwnProperty.call(m, "value") && !$Object.is(m.value, 0))
                    w.uint32(/* id 5, wireType 1 =*/41).double(m.value);
                if (m.measuredAtMs != null && $Object.hasOwnProperty.call(m, "measuredAtMs") && (typeof m.measuredAtMs === "object" ? m.measuredAtMs.low || m.measuredAtMs.high : m.measuredAtMs !== 0))
                    w.uint32(/* id 6, wireType 0 =*/48).uint64(m.measuredAtMs);
                if (m.memberCode != null && $Object.hasOwnProperty.call(m, "memberCode"))
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.memberCode);
                if (m.eventId != null && $Object.hasOwnProperty.call(m, "eventId"))
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.eventId);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a Reading message from the specified reader or buffer.
             * @function decode
             * @memberof vitalive.device.Reading
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {vitalive.device.Reading & vitalive.device.Reading.$Shape} Reading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Reading.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.vitalive.device.Reading();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.bootId = v;
                            else
                                delete m.bootId;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.metric = v;
                            else
                                delete m.metric;
                            continue;
                        }
                    case 5: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.value = v;
                            else
                                delete m.value;
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.measuredAtMs = v;
                            else
                                delete m.measuredAtMs;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            m.memberCode = r.stringVerify();
                            m._memberCode = "memberCode";
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            m.eventId = r.stringVerify();
                            m._eventId = "eventId";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for Reading
             * @function getTypeUrl
             * @memberof vitalive.device.Reading
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Reading.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vitalive.device.Reading";
            };

            return Reading;
        })();

        device.ReadingBatch = (function() {

            /**
             * Properties of a ReadingBatch.
             * @typedef {Object} vitalive.device.ReadingBatch.$Properties
             * @property {Array.<vitalive.device.Reading.$Properties>|null} [readings] ReadingBatch readings
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ReadingBatch.
             * @memberof vitalive.device
             * @interface IReadingBatch
             * @augments vitalive.device.ReadingBatch.$Properties
             * @deprecated Use vitalive.device.ReadingBatch.$Properties instead.
             */

            /**
             * Shape of a ReadingBatch.
             * @typedef {vitalive.device.ReadingBatch.$Properties} vitalive.device.ReadingBatch.$Shape
             */

            /**
             * Constructs a new ReadingBatch.
             * @memberof vitalive.device
             * @classdesc Represents a ReadingBatch.
             * @constructor
             * @param {vitalive.device.ReadingBatch.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ReadingBatch = function (p) {
                this.readings = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ReadingBatch readings.
             * @member {Array.<vitalive.device.Reading.$Properties>} readings
             * @memberof vitalive.device.ReadingBatch
             * @instance
             */
            ReadingBatch.prototype.readings = $util.emptyArray;

            /**
             * Creates a new ReadingBatch instance using the specified properties.
             * @function create
             * @memberof vitalive.device.ReadingBatch
             * @static
             * @param {vitalive.device.ReadingBatch.$Properties=} [properties] Properties to set
             * @returns {vitalive.device.ReadingBatch} ReadingBatch instance
             * @type {{
             *   (properties: vitalive.device.ReadingBatch.$Shape): vitalive.device.ReadingBatch & vitalive.device.ReadingBatch.$Shape;
             *   (properties?: vitalive.device.ReadingBatch.$Properties): vitalive.device.ReadingBatch;
             * }}
             */
            ReadingBatch.create = function(properties) {
                return new ReadingBatch(properties);
            };

            /**
             * Encodes the specified ReadingBatch message. Does not implicitly {@link vitalive.device.ReadingBatch.verify|verify} messages.
             * @function encode
             * @memberof vitalive.device.ReadingBatch
             * @static
             * @param {vitalive.device.ReadingBatch.$Properties} m ReadingBatch message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ReadingBatch.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.readings != null && m.readings.length) {
                    for (var i = 0; i < m.readings.length; ++i)
                        $root.vitalive.device.Reading.encode(m.readings[i], w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ReadingBatch message from the specified reader or buffer.
             * @function decode
             * @memberof vitalive.device.ReadingBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {vitalive.device.ReadingBatch & vitalive.device.ReadingBatch.$Shape} ReadingBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ReadingBatch.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.vitalive.device.ReadingBatch();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if (!(m.readings && m.readings.length))
                                m.readings = [];
                            m.readings.push($root.vitalive.device.Reading.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for ReadingBatch
             * @function getTypeUrl
             * @memberof vitalive.device.ReadingBatch
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ReadingBatch.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vitalive.device.ReadingBatch";
            };

            return ReadingBatch;
        })();

        return device;
    })();

    return vitalive;
})();

export {
  $root as default
};
