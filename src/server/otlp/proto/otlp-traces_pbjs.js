/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars*/
// protobufjs is CommonJS: its module object is the default import (Node's ESM loader does not see its named exports).
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $util = $protobuf.util;

// Exported root namespace
const $root = $protobuf.roots["tokenledger-otlp"] || ($protobuf.roots["tokenledger-otlp"] = {});

export const tokenledger = $root.tokenledger = (() => {

    /**
     * Namespace tokenledger.
     * @exports tokenledger
     * @namespace
     */
    const tokenledger = {};

    tokenledger.otlp = (function() {

        /**
         * Namespace otlp.
         * @memberof tokenledger
         * @namespace
         */
        const otlp = {};

        otlp.v1 = (function() {

            /**
             * Namespace v1.
             * @memberof tokenledger.otlp
             * @namespace
             */
            const v1 = {};

            v1.AnyValue = (function() {

                /**
                 * Properties of an AnyValue.
                 * @memberof tokenledger.otlp.v1
                 * @interface IAnyValue
                 * @property {string|null} [stringValue] AnyValue stringValue
                 * @property {boolean|null} [boolValue] AnyValue boolValue
                 * @property {Long|null} [intValue] AnyValue intValue
                 * @property {number|null} [doubleValue] AnyValue doubleValue
                 * @property {tokenledger.otlp.v1.IArrayValue|null} [arrayValue] AnyValue arrayValue
                 * @property {tokenledger.otlp.v1.IKeyValueList|null} [kvlistValue] AnyValue kvlistValue
                 * @property {Uint8Array|null} [bytesValue] AnyValue bytesValue
                 */

                /**
                 * Constructs a new AnyValue.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents an AnyValue.
                 * @implements IAnyValue
                 * @constructor
                 * @param {tokenledger.otlp.v1.IAnyValue=} [properties] Properties to set
                 */
                function AnyValue(properties) {
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * AnyValue stringValue.
                 * @member {string|null|undefined} stringValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.stringValue = null;

                /**
                 * AnyValue boolValue.
                 * @member {boolean|null|undefined} boolValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.boolValue = null;

                /**
                 * AnyValue intValue.
                 * @member {Long|null|undefined} intValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.intValue = null;

                /**
                 * AnyValue doubleValue.
                 * @member {number|null|undefined} doubleValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.doubleValue = null;

                /**
                 * AnyValue arrayValue.
                 * @member {tokenledger.otlp.v1.IArrayValue|null|undefined} arrayValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.arrayValue = null;

                /**
                 * AnyValue kvlistValue.
                 * @member {tokenledger.otlp.v1.IKeyValueList|null|undefined} kvlistValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.kvlistValue = null;

                /**
                 * AnyValue bytesValue.
                 * @member {Uint8Array|null|undefined} bytesValue
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                AnyValue.prototype.bytesValue = null;

                // OneOf field names bound to virtual getters and setters
                let $oneOfFields;

                /**
                 * AnyValue value.
                 * @member {"stringValue"|"boolValue"|"intValue"|"doubleValue"|"arrayValue"|"kvlistValue"|"bytesValue"|undefined} value
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @instance
                 */
                Object.defineProperty(AnyValue.prototype, "value", {
                    get: $util.oneOfGetter($oneOfFields = ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"]),
                    set: $util.oneOfSetter($oneOfFields)
                });

                /**
                 * Creates a new AnyValue instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @static
                 * @param {tokenledger.otlp.v1.IAnyValue=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.AnyValue} AnyValue instance
                 */
                AnyValue.create = function create(properties) {
                    return new AnyValue(properties);
                };

                /**
                 * Decodes an AnyValue message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.AnyValue
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.AnyValue} AnyValue
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                AnyValue.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.AnyValue();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.stringValue = reader.string();
                                break;
                            }
                        case 2: {
                                message.boolValue = reader.bool();
                                break;
                            }
                        case 3: {
                                message.intValue = reader.int64();
                                break;
                            }
                        case 4: {
                                message.doubleValue = reader.double();
                                break;
                            }
                        case 5: {
                                message.arrayValue = $root.tokenledger.otlp.v1.ArrayValue.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        case 6: {
                                message.kvlistValue = $root.tokenledger.otlp.v1.KeyValueList.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        case 7: {
                                message.bytesValue = reader.bytes();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return AnyValue;
            })();

            v1.ArrayValue = (function() {

                /**
                 * Properties of an ArrayValue.
                 * @memberof tokenledger.otlp.v1
                 * @interface IArrayValue
                 * @property {Array.<tokenledger.otlp.v1.IAnyValue>|null} [values] ArrayValue values
                 */

                /**
                 * Constructs a new ArrayValue.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents an ArrayValue.
                 * @implements IArrayValue
                 * @constructor
                 * @param {tokenledger.otlp.v1.IArrayValue=} [properties] Properties to set
                 */
                function ArrayValue(properties) {
                    this.values = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * ArrayValue values.
                 * @member {Array.<tokenledger.otlp.v1.IAnyValue>} values
                 * @memberof tokenledger.otlp.v1.ArrayValue
                 * @instance
                 */
                ArrayValue.prototype.values = $util.emptyArray;

                /**
                 * Creates a new ArrayValue instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.ArrayValue
                 * @static
                 * @param {tokenledger.otlp.v1.IArrayValue=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.ArrayValue} ArrayValue instance
                 */
                ArrayValue.create = function create(properties) {
                    return new ArrayValue(properties);
                };

                /**
                 * Decodes an ArrayValue message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.ArrayValue
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.ArrayValue} ArrayValue
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                ArrayValue.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.ArrayValue();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                if (!(message.values && message.values.length))
                                    message.values = [];
                                message.values.push($root.tokenledger.otlp.v1.AnyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return ArrayValue;
            })();

            v1.KeyValueList = (function() {

                /**
                 * Properties of a KeyValueList.
                 * @memberof tokenledger.otlp.v1
                 * @interface IKeyValueList
                 * @property {Array.<tokenledger.otlp.v1.IKeyValue>|null} [values] KeyValueList values
                 */

                /**
                 * Constructs a new KeyValueList.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a KeyValueList.
                 * @implements IKeyValueList
                 * @constructor
                 * @param {tokenledger.otlp.v1.IKeyValueList=} [properties] Properties to set
                 */
                function KeyValueList(properties) {
                    this.values = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * KeyValueList values.
                 * @member {Array.<tokenledger.otlp.v1.IKeyValue>} values
                 * @memberof tokenledger.otlp.v1.KeyValueList
                 * @instance
                 */
                KeyValueList.prototype.values = $util.emptyArray;

                /**
                 * Creates a new KeyValueList instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.KeyValueList
                 * @static
                 * @param {tokenledger.otlp.v1.IKeyValueList=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.KeyValueList} KeyValueList instance
                 */
                KeyValueList.create = function create(properties) {
                    return new KeyValueList(properties);
                };

                /**
                 * Decodes a KeyValueList message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.KeyValueList
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.KeyValueList} KeyValueList
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                KeyValueList.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.KeyValueList();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                if (!(message.values && message.values.length))
                                    message.values = [];
                                message.values.push($root.tokenledger.otlp.v1.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return KeyValueList;
            })();

            v1.KeyValue = (function() {

                /**
                 * Properties of a KeyValue.
                 * @memberof tokenledger.otlp.v1
                 * @interface IKeyValue
                 * @property {string|null} [key] KeyValue key
                 * @property {tokenledger.otlp.v1.IAnyValue|null} [value] KeyValue value
                 */

                /**
                 * Constructs a new KeyValue.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a KeyValue.
                 * @implements IKeyValue
                 * @constructor
                 * @param {tokenledger.otlp.v1.IKeyValue=} [properties] Properties to set
                 */
                function KeyValue(properties) {
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * KeyValue key.
                 * @member {string} key
                 * @memberof tokenledger.otlp.v1.KeyValue
                 * @instance
                 */
                KeyValue.prototype.key = "";

                /**
                 * KeyValue value.
                 * @member {tokenledger.otlp.v1.IAnyValue|null|undefined} value
                 * @memberof tokenledger.otlp.v1.KeyValue
                 * @instance
                 */
                KeyValue.prototype.value = null;

                /**
                 * Creates a new KeyValue instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.KeyValue
                 * @static
                 * @param {tokenledger.otlp.v1.IKeyValue=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.KeyValue} KeyValue instance
                 */
                KeyValue.create = function create(properties) {
                    return new KeyValue(properties);
                };

                /**
                 * Decodes a KeyValue message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.KeyValue
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.KeyValue} KeyValue
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                KeyValue.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.KeyValue();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.key = reader.string();
                                break;
                            }
                        case 2: {
                                message.value = $root.tokenledger.otlp.v1.AnyValue.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return KeyValue;
            })();

            v1.InstrumentationScope = (function() {

                /**
                 * Properties of an InstrumentationScope.
                 * @memberof tokenledger.otlp.v1
                 * @interface IInstrumentationScope
                 * @property {string|null} [name] InstrumentationScope name
                 * @property {string|null} [version] InstrumentationScope version
                 * @property {Array.<tokenledger.otlp.v1.IKeyValue>|null} [attributes] InstrumentationScope attributes
                 * @property {number|null} [droppedAttributesCount] InstrumentationScope droppedAttributesCount
                 */

                /**
                 * Constructs a new InstrumentationScope.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents an InstrumentationScope.
                 * @implements IInstrumentationScope
                 * @constructor
                 * @param {tokenledger.otlp.v1.IInstrumentationScope=} [properties] Properties to set
                 */
                function InstrumentationScope(properties) {
                    this.attributes = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * InstrumentationScope name.
                 * @member {string} name
                 * @memberof tokenledger.otlp.v1.InstrumentationScope
                 * @instance
                 */
                InstrumentationScope.prototype.name = "";

                /**
                 * InstrumentationScope version.
                 * @member {string} version
                 * @memberof tokenledger.otlp.v1.InstrumentationScope
                 * @instance
                 */
                InstrumentationScope.prototype.version = "";

                /**
                 * InstrumentationScope attributes.
                 * @member {Array.<tokenledger.otlp.v1.IKeyValue>} attributes
                 * @memberof tokenledger.otlp.v1.InstrumentationScope
                 * @instance
                 */
                InstrumentationScope.prototype.attributes = $util.emptyArray;

                /**
                 * InstrumentationScope droppedAttributesCount.
                 * @member {number} droppedAttributesCount
                 * @memberof tokenledger.otlp.v1.InstrumentationScope
                 * @instance
                 */
                InstrumentationScope.prototype.droppedAttributesCount = 0;

                /**
                 * Creates a new InstrumentationScope instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.InstrumentationScope
                 * @static
                 * @param {tokenledger.otlp.v1.IInstrumentationScope=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.InstrumentationScope} InstrumentationScope instance
                 */
                InstrumentationScope.create = function create(properties) {
                    return new InstrumentationScope(properties);
                };

                /**
                 * Decodes an InstrumentationScope message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.InstrumentationScope
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.InstrumentationScope} InstrumentationScope
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                InstrumentationScope.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.InstrumentationScope();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.name = reader.string();
                                break;
                            }
                        case 2: {
                                message.version = reader.string();
                                break;
                            }
                        case 3: {
                                if (!(message.attributes && message.attributes.length))
                                    message.attributes = [];
                                message.attributes.push($root.tokenledger.otlp.v1.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 4: {
                                message.droppedAttributesCount = reader.uint32();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return InstrumentationScope;
            })();

            v1.Resource = (function() {

                /**
                 * Properties of a Resource.
                 * @memberof tokenledger.otlp.v1
                 * @interface IResource
                 * @property {Array.<tokenledger.otlp.v1.IKeyValue>|null} [attributes] Resource attributes
                 * @property {number|null} [droppedAttributesCount] Resource droppedAttributesCount
                 */

                /**
                 * Constructs a new Resource.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a Resource.
                 * @implements IResource
                 * @constructor
                 * @param {tokenledger.otlp.v1.IResource=} [properties] Properties to set
                 */
                function Resource(properties) {
                    this.attributes = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * Resource attributes.
                 * @member {Array.<tokenledger.otlp.v1.IKeyValue>} attributes
                 * @memberof tokenledger.otlp.v1.Resource
                 * @instance
                 */
                Resource.prototype.attributes = $util.emptyArray;

                /**
                 * Resource droppedAttributesCount.
                 * @member {number} droppedAttributesCount
                 * @memberof tokenledger.otlp.v1.Resource
                 * @instance
                 */
                Resource.prototype.droppedAttributesCount = 0;

                /**
                 * Creates a new Resource instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.Resource
                 * @static
                 * @param {tokenledger.otlp.v1.IResource=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.Resource} Resource instance
                 */
                Resource.create = function create(properties) {
                    return new Resource(properties);
                };

                /**
                 * Decodes a Resource message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.Resource
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.Resource} Resource
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                Resource.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.Resource();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                if (!(message.attributes && message.attributes.length))
                                    message.attributes = [];
                                message.attributes.push($root.tokenledger.otlp.v1.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 2: {
                                message.droppedAttributesCount = reader.uint32();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return Resource;
            })();

            v1.ExportTraceServiceRequest = (function() {

                /**
                 * Properties of an ExportTraceServiceRequest.
                 * @memberof tokenledger.otlp.v1
                 * @interface IExportTraceServiceRequest
                 * @property {Array.<tokenledger.otlp.v1.IResourceSpans>|null} [resourceSpans] ExportTraceServiceRequest resourceSpans
                 */

                /**
                 * Constructs a new ExportTraceServiceRequest.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents an ExportTraceServiceRequest.
                 * @implements IExportTraceServiceRequest
                 * @constructor
                 * @param {tokenledger.otlp.v1.IExportTraceServiceRequest=} [properties] Properties to set
                 */
                function ExportTraceServiceRequest(properties) {
                    this.resourceSpans = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * ExportTraceServiceRequest resourceSpans.
                 * @member {Array.<tokenledger.otlp.v1.IResourceSpans>} resourceSpans
                 * @memberof tokenledger.otlp.v1.ExportTraceServiceRequest
                 * @instance
                 */
                ExportTraceServiceRequest.prototype.resourceSpans = $util.emptyArray;

                /**
                 * Creates a new ExportTraceServiceRequest instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.ExportTraceServiceRequest
                 * @static
                 * @param {tokenledger.otlp.v1.IExportTraceServiceRequest=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.ExportTraceServiceRequest} ExportTraceServiceRequest instance
                 */
                ExportTraceServiceRequest.create = function create(properties) {
                    return new ExportTraceServiceRequest(properties);
                };

                /**
                 * Decodes an ExportTraceServiceRequest message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.ExportTraceServiceRequest
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.ExportTraceServiceRequest} ExportTraceServiceRequest
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                ExportTraceServiceRequest.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.ExportTraceServiceRequest();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                if (!(message.resourceSpans && message.resourceSpans.length))
                                    message.resourceSpans = [];
                                message.resourceSpans.push($root.tokenledger.otlp.v1.ResourceSpans.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return ExportTraceServiceRequest;
            })();

            v1.ResourceSpans = (function() {

                /**
                 * Properties of a ResourceSpans.
                 * @memberof tokenledger.otlp.v1
                 * @interface IResourceSpans
                 * @property {tokenledger.otlp.v1.IResource|null} [resource] ResourceSpans resource
                 * @property {Array.<tokenledger.otlp.v1.IScopeSpans>|null} [scopeSpans] ResourceSpans scopeSpans
                 * @property {string|null} [schemaUrl] ResourceSpans schemaUrl
                 */

                /**
                 * Constructs a new ResourceSpans.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a ResourceSpans.
                 * @implements IResourceSpans
                 * @constructor
                 * @param {tokenledger.otlp.v1.IResourceSpans=} [properties] Properties to set
                 */
                function ResourceSpans(properties) {
                    this.scopeSpans = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * ResourceSpans resource.
                 * @member {tokenledger.otlp.v1.IResource|null|undefined} resource
                 * @memberof tokenledger.otlp.v1.ResourceSpans
                 * @instance
                 */
                ResourceSpans.prototype.resource = null;

                /**
                 * ResourceSpans scopeSpans.
                 * @member {Array.<tokenledger.otlp.v1.IScopeSpans>} scopeSpans
                 * @memberof tokenledger.otlp.v1.ResourceSpans
                 * @instance
                 */
                ResourceSpans.prototype.scopeSpans = $util.emptyArray;

                /**
                 * ResourceSpans schemaUrl.
                 * @member {string} schemaUrl
                 * @memberof tokenledger.otlp.v1.ResourceSpans
                 * @instance
                 */
                ResourceSpans.prototype.schemaUrl = "";

                /**
                 * Creates a new ResourceSpans instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.ResourceSpans
                 * @static
                 * @param {tokenledger.otlp.v1.IResourceSpans=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.ResourceSpans} ResourceSpans instance
                 */
                ResourceSpans.create = function create(properties) {
                    return new ResourceSpans(properties);
                };

                /**
                 * Decodes a ResourceSpans message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.ResourceSpans
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.ResourceSpans} ResourceSpans
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                ResourceSpans.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.ResourceSpans();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.resource = $root.tokenledger.otlp.v1.Resource.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        case 2: {
                                if (!(message.scopeSpans && message.scopeSpans.length))
                                    message.scopeSpans = [];
                                message.scopeSpans.push($root.tokenledger.otlp.v1.ScopeSpans.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 3: {
                                message.schemaUrl = reader.string();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return ResourceSpans;
            })();

            v1.ScopeSpans = (function() {

                /**
                 * Properties of a ScopeSpans.
                 * @memberof tokenledger.otlp.v1
                 * @interface IScopeSpans
                 * @property {tokenledger.otlp.v1.IInstrumentationScope|null} [scope] ScopeSpans scope
                 * @property {Array.<tokenledger.otlp.v1.ISpan>|null} [spans] ScopeSpans spans
                 * @property {string|null} [schemaUrl] ScopeSpans schemaUrl
                 */

                /**
                 * Constructs a new ScopeSpans.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a ScopeSpans.
                 * @implements IScopeSpans
                 * @constructor
                 * @param {tokenledger.otlp.v1.IScopeSpans=} [properties] Properties to set
                 */
                function ScopeSpans(properties) {
                    this.spans = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * ScopeSpans scope.
                 * @member {tokenledger.otlp.v1.IInstrumentationScope|null|undefined} scope
                 * @memberof tokenledger.otlp.v1.ScopeSpans
                 * @instance
                 */
                ScopeSpans.prototype.scope = null;

                /**
                 * ScopeSpans spans.
                 * @member {Array.<tokenledger.otlp.v1.ISpan>} spans
                 * @memberof tokenledger.otlp.v1.ScopeSpans
                 * @instance
                 */
                ScopeSpans.prototype.spans = $util.emptyArray;

                /**
                 * ScopeSpans schemaUrl.
                 * @member {string} schemaUrl
                 * @memberof tokenledger.otlp.v1.ScopeSpans
                 * @instance
                 */
                ScopeSpans.prototype.schemaUrl = "";

                /**
                 * Creates a new ScopeSpans instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.ScopeSpans
                 * @static
                 * @param {tokenledger.otlp.v1.IScopeSpans=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.ScopeSpans} ScopeSpans instance
                 */
                ScopeSpans.create = function create(properties) {
                    return new ScopeSpans(properties);
                };

                /**
                 * Decodes a ScopeSpans message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.ScopeSpans
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.ScopeSpans} ScopeSpans
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                ScopeSpans.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.ScopeSpans();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.scope = $root.tokenledger.otlp.v1.InstrumentationScope.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        case 2: {
                                if (!(message.spans && message.spans.length))
                                    message.spans = [];
                                message.spans.push($root.tokenledger.otlp.v1.Span.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 3: {
                                message.schemaUrl = reader.string();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return ScopeSpans;
            })();

            v1.Span = (function() {

                /**
                 * Properties of a Span.
                 * @memberof tokenledger.otlp.v1
                 * @interface ISpan
                 * @property {Uint8Array|null} [traceId] Span traceId
                 * @property {Uint8Array|null} [spanId] Span spanId
                 * @property {string|null} [traceState] Span traceState
                 * @property {Uint8Array|null} [parentSpanId] Span parentSpanId
                 * @property {number|null} [flags] Span flags
                 * @property {string|null} [name] Span name
                 * @property {tokenledger.otlp.v1.Span.SpanKind|null} [kind] Span kind
                 * @property {Long|null} [startTimeUnixNano] Span startTimeUnixNano
                 * @property {Long|null} [endTimeUnixNano] Span endTimeUnixNano
                 * @property {Array.<tokenledger.otlp.v1.IKeyValue>|null} [attributes] Span attributes
                 * @property {number|null} [droppedAttributesCount] Span droppedAttributesCount
                 * @property {Array.<tokenledger.otlp.v1.Span.IEvent>|null} [events] Span events
                 * @property {number|null} [droppedEventsCount] Span droppedEventsCount
                 * @property {Array.<tokenledger.otlp.v1.Span.ILink>|null} [links] Span links
                 * @property {number|null} [droppedLinksCount] Span droppedLinksCount
                 * @property {tokenledger.otlp.v1.IStatus|null} [status] Span status
                 */

                /**
                 * Constructs a new Span.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a Span.
                 * @implements ISpan
                 * @constructor
                 * @param {tokenledger.otlp.v1.ISpan=} [properties] Properties to set
                 */
                function Span(properties) {
                    this.attributes = [];
                    this.events = [];
                    this.links = [];
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * Span traceId.
                 * @member {Uint8Array} traceId
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.traceId = $util.newBuffer([]);

                /**
                 * Span spanId.
                 * @member {Uint8Array} spanId
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.spanId = $util.newBuffer([]);

                /**
                 * Span traceState.
                 * @member {string} traceState
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.traceState = "";

                /**
                 * Span parentSpanId.
                 * @member {Uint8Array} parentSpanId
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.parentSpanId = $util.newBuffer([]);

                /**
                 * Span flags.
                 * @member {number} flags
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.flags = 0;

                /**
                 * Span name.
                 * @member {string} name
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.name = "";

                /**
                 * Span kind.
                 * @member {tokenledger.otlp.v1.Span.SpanKind} kind
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.kind = 0;

                /**
                 * Span startTimeUnixNano.
                 * @member {Long} startTimeUnixNano
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.startTimeUnixNano = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                /**
                 * Span endTimeUnixNano.
                 * @member {Long} endTimeUnixNano
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.endTimeUnixNano = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                /**
                 * Span attributes.
                 * @member {Array.<tokenledger.otlp.v1.IKeyValue>} attributes
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.attributes = $util.emptyArray;

                /**
                 * Span droppedAttributesCount.
                 * @member {number} droppedAttributesCount
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.droppedAttributesCount = 0;

                /**
                 * Span events.
                 * @member {Array.<tokenledger.otlp.v1.Span.IEvent>} events
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.events = $util.emptyArray;

                /**
                 * Span droppedEventsCount.
                 * @member {number} droppedEventsCount
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.droppedEventsCount = 0;

                /**
                 * Span links.
                 * @member {Array.<tokenledger.otlp.v1.Span.ILink>} links
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.links = $util.emptyArray;

                /**
                 * Span droppedLinksCount.
                 * @member {number} droppedLinksCount
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.droppedLinksCount = 0;

                /**
                 * Span status.
                 * @member {tokenledger.otlp.v1.IStatus|null|undefined} status
                 * @memberof tokenledger.otlp.v1.Span
                 * @instance
                 */
                Span.prototype.status = null;

                /**
                 * Creates a new Span instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.Span
                 * @static
                 * @param {tokenledger.otlp.v1.ISpan=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.Span} Span instance
                 */
                Span.create = function create(properties) {
                    return new Span(properties);
                };

                /**
                 * Decodes a Span message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.Span
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.Span} Span
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                Span.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.Span();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.traceId = reader.bytes();
                                break;
                            }
                        case 2: {
                                message.spanId = reader.bytes();
                                break;
                            }
                        case 3: {
                                message.traceState = reader.string();
                                break;
                            }
                        case 4: {
                                message.parentSpanId = reader.bytes();
                                break;
                            }
                        case 16: {
                                message.flags = reader.fixed32();
                                break;
                            }
                        case 5: {
                                message.name = reader.string();
                                break;
                            }
                        case 6: {
                                message.kind = reader.int32();
                                break;
                            }
                        case 7: {
                                message.startTimeUnixNano = reader.fixed64();
                                break;
                            }
                        case 8: {
                                message.endTimeUnixNano = reader.fixed64();
                                break;
                            }
                        case 9: {
                                if (!(message.attributes && message.attributes.length))
                                    message.attributes = [];
                                message.attributes.push($root.tokenledger.otlp.v1.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 10: {
                                message.droppedAttributesCount = reader.uint32();
                                break;
                            }
                        case 11: {
                                if (!(message.events && message.events.length))
                                    message.events = [];
                                message.events.push($root.tokenledger.otlp.v1.Span.Event.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 12: {
                                message.droppedEventsCount = reader.uint32();
                                break;
                            }
                        case 13: {
                                if (!(message.links && message.links.length))
                                    message.links = [];
                                message.links.push($root.tokenledger.otlp.v1.Span.Link.decode(reader, reader.uint32(), undefined, long + 1));
                                break;
                            }
                        case 14: {
                                message.droppedLinksCount = reader.uint32();
                                break;
                            }
                        case 15: {
                                message.status = $root.tokenledger.otlp.v1.Status.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                /**
                 * SpanKind enum.
                 * @name tokenledger.otlp.v1.Span.SpanKind
                 * @enum {number}
                 * @property {number} SPAN_KIND_UNSPECIFIED=0 SPAN_KIND_UNSPECIFIED value
                 * @property {number} SPAN_KIND_INTERNAL=1 SPAN_KIND_INTERNAL value
                 * @property {number} SPAN_KIND_SERVER=2 SPAN_KIND_SERVER value
                 * @property {number} SPAN_KIND_CLIENT=3 SPAN_KIND_CLIENT value
                 * @property {number} SPAN_KIND_PRODUCER=4 SPAN_KIND_PRODUCER value
                 * @property {number} SPAN_KIND_CONSUMER=5 SPAN_KIND_CONSUMER value
                 */
                Span.SpanKind = (function() {
                    const valuesById = {}, values = Object.create(valuesById);
                    values[valuesById[0] = "SPAN_KIND_UNSPECIFIED"] = 0;
                    values[valuesById[1] = "SPAN_KIND_INTERNAL"] = 1;
                    values[valuesById[2] = "SPAN_KIND_SERVER"] = 2;
                    values[valuesById[3] = "SPAN_KIND_CLIENT"] = 3;
                    values[valuesById[4] = "SPAN_KIND_PRODUCER"] = 4;
                    values[valuesById[5] = "SPAN_KIND_CONSUMER"] = 5;
                    return values;
                })();

                Span.Event = (function() {

                    /**
                     * Properties of an Event.
                     * @memberof tokenledger.otlp.v1.Span
                     * @interface IEvent
                     * @property {Long|null} [timeUnixNano] Event timeUnixNano
                     * @property {string|null} [name] Event name
                     * @property {Array.<tokenledger.otlp.v1.IKeyValue>|null} [attributes] Event attributes
                     * @property {number|null} [droppedAttributesCount] Event droppedAttributesCount
                     */

                    /**
                     * Constructs a new Event.
                     * @memberof tokenledger.otlp.v1.Span
                     * @classdesc Represents an Event.
                     * @implements IEvent
                     * @constructor
                     * @param {tokenledger.otlp.v1.Span.IEvent=} [properties] Properties to set
                     */
                    function Event(properties) {
                        this.attributes = [];
                        if (properties)
                            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                    this[keys[i]] = properties[keys[i]];
                    }

                    /**
                     * Event timeUnixNano.
                     * @member {Long} timeUnixNano
                     * @memberof tokenledger.otlp.v1.Span.Event
                     * @instance
                     */
                    Event.prototype.timeUnixNano = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

                    /**
                     * Event name.
                     * @member {string} name
                     * @memberof tokenledger.otlp.v1.Span.Event
                     * @instance
                     */
                    Event.prototype.name = "";

                    /**
                     * Event attributes.
                     * @member {Array.<tokenledger.otlp.v1.IKeyValue>} attributes
                     * @memberof tokenledger.otlp.v1.Span.Event
                     * @instance
                     */
                    Event.prototype.attributes = $util.emptyArray;

                    /**
                     * Event droppedAttributesCount.
                     * @member {number} droppedAttributesCount
                     * @memberof tokenledger.otlp.v1.Span.Event
                     * @instance
                     */
                    Event.prototype.droppedAttributesCount = 0;

                    /**
                     * Creates a new Event instance using the specified properties.
                     * @function create
                     * @memberof tokenledger.otlp.v1.Span.Event
                     * @static
                     * @param {tokenledger.otlp.v1.Span.IEvent=} [properties] Properties to set
                     * @returns {tokenledger.otlp.v1.Span.Event} Event instance
                     */
                    Event.create = function create(properties) {
                        return new Event(properties);
                    };

                    /**
                     * Decodes an Event message from the specified reader or buffer.
                     * @function decode
                     * @memberof tokenledger.otlp.v1.Span.Event
                     * @static
                     * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                     * @param {number} [length] Message length if known beforehand
                     * @returns {tokenledger.otlp.v1.Span.Event} Event
                     * @throws {Error} If the payload is not a reader or valid buffer
                     * @throws {$protobuf.util.ProtocolError} If required fields are missing
                     */
                    Event.decode = function decode(reader, length, error, long) {
                        if (!(reader instanceof $Reader))
                            reader = $Reader.create(reader);
                        if (long === undefined)
                            long = 0;
                        if (long > $Reader.recursionLimit)
                            throw Error("maximum nesting depth exceeded");
                        let end, message;
                        if (length === undefined)
                            end = reader.len;
                        else {
                            end = reader.pos + length;
                            if (end > reader.len)
                                throw RangeError("index out of range");
                            length = reader.len;
                            reader.len = end;
                        }
                        message = new $root.tokenledger.otlp.v1.Span.Event();
                        while (reader.pos < end) {
                            let tag = reader.uint32();
                            if (tag === error)
                                break;
                            switch (tag >>> 3) {
                            case 1: {
                                    message.timeUnixNano = reader.fixed64();
                                    break;
                                }
                            case 2: {
                                    message.name = reader.string();
                                    break;
                                }
                            case 3: {
                                    if (!(message.attributes && message.attributes.length))
                                        message.attributes = [];
                                    message.attributes.push($root.tokenledger.otlp.v1.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                    break;
                                }
                            case 4: {
                                    message.droppedAttributesCount = reader.uint32();
                                    break;
                                }
                            default:
                                reader.skipType(tag & 7, long);
                                break;
                            }
                        }
                        if (length !== undefined) {
                            if (reader.pos !== end)
                                throw RangeError("index out of range");
                            reader.len = length;
                        }
                        return message;
                    };

                    return Event;
                })();

                Span.Link = (function() {

                    /**
                     * Properties of a Link.
                     * @memberof tokenledger.otlp.v1.Span
                     * @interface ILink
                     * @property {Uint8Array|null} [traceId] Link traceId
                     * @property {Uint8Array|null} [spanId] Link spanId
                     * @property {string|null} [traceState] Link traceState
                     * @property {Array.<tokenledger.otlp.v1.IKeyValue>|null} [attributes] Link attributes
                     * @property {number|null} [droppedAttributesCount] Link droppedAttributesCount
                     * @property {number|null} [flags] Link flags
                     */

                    /**
                     * Constructs a new Link.
                     * @memberof tokenledger.otlp.v1.Span
                     * @classdesc Represents a Link.
                     * @implements ILink
                     * @constructor
                     * @param {tokenledger.otlp.v1.Span.ILink=} [properties] Properties to set
                     */
                    function Link(properties) {
                        this.attributes = [];
                        if (properties)
                            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                    this[keys[i]] = properties[keys[i]];
                    }

                    /**
                     * Link traceId.
                     * @member {Uint8Array} traceId
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @instance
                     */
                    Link.prototype.traceId = $util.newBuffer([]);

                    /**
                     * Link spanId.
                     * @member {Uint8Array} spanId
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @instance
                     */
                    Link.prototype.spanId = $util.newBuffer([]);

                    /**
                     * Link traceState.
                     * @member {string} traceState
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @instance
                     */
                    Link.prototype.traceState = "";

                    /**
                     * Link attributes.
                     * @member {Array.<tokenledger.otlp.v1.IKeyValue>} attributes
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @instance
                     */
                    Link.prototype.attributes = $util.emptyArray;

                    /**
                     * Link droppedAttributesCount.
                     * @member {number} droppedAttributesCount
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @instance
                     */
                    Link.prototype.droppedAttributesCount = 0;

                    /**
                     * Link flags.
                     * @member {number} flags
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @instance
                     */
                    Link.prototype.flags = 0;

                    /**
                     * Creates a new Link instance using the specified properties.
                     * @function create
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @static
                     * @param {tokenledger.otlp.v1.Span.ILink=} [properties] Properties to set
                     * @returns {tokenledger.otlp.v1.Span.Link} Link instance
                     */
                    Link.create = function create(properties) {
                        return new Link(properties);
                    };

                    /**
                     * Decodes a Link message from the specified reader or buffer.
                     * @function decode
                     * @memberof tokenledger.otlp.v1.Span.Link
                     * @static
                     * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                     * @param {number} [length] Message length if known beforehand
                     * @returns {tokenledger.otlp.v1.Span.Link} Link
                     * @throws {Error} If the payload is not a reader or valid buffer
                     * @throws {$protobuf.util.ProtocolError} If required fields are missing
                     */
                    Link.decode = function decode(reader, length, error, long) {
                        if (!(reader instanceof $Reader))
                            reader = $Reader.create(reader);
                        if (long === undefined)
                            long = 0;
                        if (long > $Reader.recursionLimit)
                            throw Error("maximum nesting depth exceeded");
                        let end, message;
                        if (length === undefined)
                            end = reader.len;
                        else {
                            end = reader.pos + length;
                            if (end > reader.len)
                                throw RangeError("index out of range");
                            length = reader.len;
                            reader.len = end;
                        }
                        message = new $root.tokenledger.otlp.v1.Span.Link();
                        while (reader.pos < end) {
                            let tag = reader.uint32();
                            if (tag === error)
                                break;
                            switch (tag >>> 3) {
                            case 1: {
                                    message.traceId = reader.bytes();
                                    break;
                                }
                            case 2: {
                                    message.spanId = reader.bytes();
                                    break;
                                }
                            case 3: {
                                    message.traceState = reader.string();
                                    break;
                                }
                            case 4: {
                                    if (!(message.attributes && message.attributes.length))
                                        message.attributes = [];
                                    message.attributes.push($root.tokenledger.otlp.v1.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                                    break;
                                }
                            case 5: {
                                    message.droppedAttributesCount = reader.uint32();
                                    break;
                                }
                            case 6: {
                                    message.flags = reader.fixed32();
                                    break;
                                }
                            default:
                                reader.skipType(tag & 7, long);
                                break;
                            }
                        }
                        if (length !== undefined) {
                            if (reader.pos !== end)
                                throw RangeError("index out of range");
                            reader.len = length;
                        }
                        return message;
                    };

                    return Link;
                })();

                return Span;
            })();

            v1.Status = (function() {

                /**
                 * Properties of a Status.
                 * @memberof tokenledger.otlp.v1
                 * @interface IStatus
                 * @property {string|null} [message] Status message
                 * @property {tokenledger.otlp.v1.Status.StatusCode|null} [code] Status code
                 */

                /**
                 * Constructs a new Status.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a Status.
                 * @implements IStatus
                 * @constructor
                 * @param {tokenledger.otlp.v1.IStatus=} [properties] Properties to set
                 */
                function Status(properties) {
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * Status message.
                 * @member {string} message
                 * @memberof tokenledger.otlp.v1.Status
                 * @instance
                 */
                Status.prototype.message = "";

                /**
                 * Status code.
                 * @member {tokenledger.otlp.v1.Status.StatusCode} code
                 * @memberof tokenledger.otlp.v1.Status
                 * @instance
                 */
                Status.prototype.code = 0;

                /**
                 * Creates a new Status instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.Status
                 * @static
                 * @param {tokenledger.otlp.v1.IStatus=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.Status} Status instance
                 */
                Status.create = function create(properties) {
                    return new Status(properties);
                };

                /**
                 * Decodes a Status message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.Status
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.Status} Status
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                Status.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.Status();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 2: {
                                message.message = reader.string();
                                break;
                            }
                        case 3: {
                                message.code = reader.int32();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                /**
                 * StatusCode enum.
                 * @name tokenledger.otlp.v1.Status.StatusCode
                 * @enum {number}
                 * @property {number} STATUS_CODE_UNSET=0 STATUS_CODE_UNSET value
                 * @property {number} STATUS_CODE_OK=1 STATUS_CODE_OK value
                 * @property {number} STATUS_CODE_ERROR=2 STATUS_CODE_ERROR value
                 */
                Status.StatusCode = (function() {
                    const valuesById = {}, values = Object.create(valuesById);
                    values[valuesById[0] = "STATUS_CODE_UNSET"] = 0;
                    values[valuesById[1] = "STATUS_CODE_OK"] = 1;
                    values[valuesById[2] = "STATUS_CODE_ERROR"] = 2;
                    return values;
                })();

                return Status;
            })();

            v1.ExportTracePartialSuccess = (function() {

                /**
                 * Properties of an ExportTracePartialSuccess.
                 * @memberof tokenledger.otlp.v1
                 * @interface IExportTracePartialSuccess
                 * @property {Long|null} [rejectedSpans] ExportTracePartialSuccess rejectedSpans
                 * @property {string|null} [errorMessage] ExportTracePartialSuccess errorMessage
                 */

                /**
                 * Constructs a new ExportTracePartialSuccess.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents an ExportTracePartialSuccess.
                 * @implements IExportTracePartialSuccess
                 * @constructor
                 * @param {tokenledger.otlp.v1.IExportTracePartialSuccess=} [properties] Properties to set
                 */
                function ExportTracePartialSuccess(properties) {
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * ExportTracePartialSuccess rejectedSpans.
                 * @member {Long} rejectedSpans
                 * @memberof tokenledger.otlp.v1.ExportTracePartialSuccess
                 * @instance
                 */
                ExportTracePartialSuccess.prototype.rejectedSpans = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

                /**
                 * ExportTracePartialSuccess errorMessage.
                 * @member {string} errorMessage
                 * @memberof tokenledger.otlp.v1.ExportTracePartialSuccess
                 * @instance
                 */
                ExportTracePartialSuccess.prototype.errorMessage = "";

                /**
                 * Creates a new ExportTracePartialSuccess instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.ExportTracePartialSuccess
                 * @static
                 * @param {tokenledger.otlp.v1.IExportTracePartialSuccess=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.ExportTracePartialSuccess} ExportTracePartialSuccess instance
                 */
                ExportTracePartialSuccess.create = function create(properties) {
                    return new ExportTracePartialSuccess(properties);
                };

                /**
                 * Decodes an ExportTracePartialSuccess message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.ExportTracePartialSuccess
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.ExportTracePartialSuccess} ExportTracePartialSuccess
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                ExportTracePartialSuccess.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.ExportTracePartialSuccess();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.rejectedSpans = reader.int64();
                                break;
                            }
                        case 2: {
                                message.errorMessage = reader.string();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return ExportTracePartialSuccess;
            })();

            v1.ExportTraceServiceResponse = (function() {

                /**
                 * Properties of an ExportTraceServiceResponse.
                 * @memberof tokenledger.otlp.v1
                 * @interface IExportTraceServiceResponse
                 * @property {tokenledger.otlp.v1.IExportTracePartialSuccess|null} [partialSuccess] ExportTraceServiceResponse partialSuccess
                 */

                /**
                 * Constructs a new ExportTraceServiceResponse.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents an ExportTraceServiceResponse.
                 * @implements IExportTraceServiceResponse
                 * @constructor
                 * @param {tokenledger.otlp.v1.IExportTraceServiceResponse=} [properties] Properties to set
                 */
                function ExportTraceServiceResponse(properties) {
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * ExportTraceServiceResponse partialSuccess.
                 * @member {tokenledger.otlp.v1.IExportTracePartialSuccess|null|undefined} partialSuccess
                 * @memberof tokenledger.otlp.v1.ExportTraceServiceResponse
                 * @instance
                 */
                ExportTraceServiceResponse.prototype.partialSuccess = null;

                /**
                 * Creates a new ExportTraceServiceResponse instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.ExportTraceServiceResponse
                 * @static
                 * @param {tokenledger.otlp.v1.IExportTraceServiceResponse=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.ExportTraceServiceResponse} ExportTraceServiceResponse instance
                 */
                ExportTraceServiceResponse.create = function create(properties) {
                    return new ExportTraceServiceResponse(properties);
                };

                /**
                 * Decodes an ExportTraceServiceResponse message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.ExportTraceServiceResponse
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.ExportTraceServiceResponse} ExportTraceServiceResponse
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                ExportTraceServiceResponse.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.ExportTraceServiceResponse();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.partialSuccess = $root.tokenledger.otlp.v1.ExportTracePartialSuccess.decode(reader, reader.uint32(), undefined, long + 1);
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return ExportTraceServiceResponse;
            })();

            v1.RpcStatus = (function() {

                /**
                 * Properties of a RpcStatus.
                 * @memberof tokenledger.otlp.v1
                 * @interface IRpcStatus
                 * @property {number|null} [code] RpcStatus code
                 * @property {string|null} [message] RpcStatus message
                 */

                /**
                 * Constructs a new RpcStatus.
                 * @memberof tokenledger.otlp.v1
                 * @classdesc Represents a RpcStatus.
                 * @implements IRpcStatus
                 * @constructor
                 * @param {tokenledger.otlp.v1.IRpcStatus=} [properties] Properties to set
                 */
                function RpcStatus(properties) {
                    if (properties)
                        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                /**
                 * RpcStatus code.
                 * @member {number} code
                 * @memberof tokenledger.otlp.v1.RpcStatus
                 * @instance
                 */
                RpcStatus.prototype.code = 0;

                /**
                 * RpcStatus message.
                 * @member {string} message
                 * @memberof tokenledger.otlp.v1.RpcStatus
                 * @instance
                 */
                RpcStatus.prototype.message = "";

                /**
                 * Creates a new RpcStatus instance using the specified properties.
                 * @function create
                 * @memberof tokenledger.otlp.v1.RpcStatus
                 * @static
                 * @param {tokenledger.otlp.v1.IRpcStatus=} [properties] Properties to set
                 * @returns {tokenledger.otlp.v1.RpcStatus} RpcStatus instance
                 */
                RpcStatus.create = function create(properties) {
                    return new RpcStatus(properties);
                };

                /**
                 * Decodes a RpcStatus message from the specified reader or buffer.
                 * @function decode
                 * @memberof tokenledger.otlp.v1.RpcStatus
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
                 * @param {number} [length] Message length if known beforehand
                 * @returns {tokenledger.otlp.v1.RpcStatus} RpcStatus
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                RpcStatus.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    let end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.tokenledger.otlp.v1.RpcStatus();
                    while (reader.pos < end) {
                        let tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.code = reader.int32();
                                break;
                            }
                        case 2: {
                                message.message = reader.string();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                return RpcStatus;
            })();

            return v1;
        })();

        return otlp;
    })();

    return tokenledger;
})();

export { $root as default };
