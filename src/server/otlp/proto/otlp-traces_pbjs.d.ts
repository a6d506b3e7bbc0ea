import * as $protobuf from "protobufjs";
import Long = require("long");
/** Namespace tokenledger. */
export namespace tokenledger {

    /** Namespace otlp. */
    namespace otlp {

        /** Namespace v1. */
        namespace v1 {

            /** Properties of an AnyValue. */
            interface IAnyValue {

                /** AnyValue stringValue */
                stringValue?: (string|null);

                /** AnyValue boolValue */
                boolValue?: (boolean|null);

                /** AnyValue intValue */
                intValue?: (Long|null);

                /** AnyValue doubleValue */
                doubleValue?: (number|null);

                /** AnyValue arrayValue */
                arrayValue?: (tokenledger.otlp.v1.IArrayValue|null);

                /** AnyValue kvlistValue */
                kvlistValue?: (tokenledger.otlp.v1.IKeyValueList|null);

                /** AnyValue bytesValue */
                bytesValue?: (Uint8Array|null);
            }

            /** Represents an AnyValue. */
            class AnyValue implements IAnyValue {

                /**
                 * Constructs a new AnyValue.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IAnyValue);

                /** AnyValue stringValue. */
                public stringValue?: (string|null);

                /** AnyValue boolValue. */
                public boolValue?: (boolean|null);

                /** AnyValue intValue. */
                public intValue?: (Long|null);

                /** AnyValue doubleValue. */
                public doubleValue?: (number|null);

                /** AnyValue arrayValue. */
                public arrayValue?: (tokenledger.otlp.v1.IArrayValue|null);

                /** AnyValue kvlistValue. */
                public kvlistValue?: (tokenledger.otlp.v1.IKeyValueList|null);

                /** AnyValue bytesValue. */
                public bytesValue?: (Uint8Array|null);

                /** AnyValue value. */
                public value?: ("stringValue"|"boolValue"|"intValue"|"doubleValue"|"arrayValue"|"kvlistValue"|"bytesValue");

                /**
                 * Creates a new AnyValue instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns AnyValue instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IAnyValue): tokenledger.otlp.v1.AnyValue;

                /**
                 * Decodes an AnyValue message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns AnyValue
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.AnyValue;
            }

            /** Properties of an ArrayValue. */
            interface IArrayValue {

                /** ArrayValue values */
                values?: (tokenledger.otlp.v1.IAnyValue[]|null);
            }

            /** Represents an ArrayValue. */
            class ArrayValue implements IArrayValue {

                /**
                 * Constructs a new ArrayValue.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IArrayValue);

                /** ArrayValue values. */
                public values: tokenledger.otlp.v1.IAnyValue[];

                /**
                 * Creates a new ArrayValue instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns ArrayValue instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IArrayValue): tokenledger.otlp.v1.ArrayValue;

                /**
                 * Decodes an ArrayValue message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns ArrayValue
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.ArrayValue;
            }

            /** Properties of a KeyValueList. */
            interface IKeyValueList {

                /** KeyValueList values */
                values?: (tokenledger.otlp.v1.IKeyValue[]|null);
            }

            /** Represents a KeyValueList. */
            class KeyValueList implements IKeyValueList {

                /**
                 * Constructs a new KeyValueList.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IKeyValueList);

                /** KeyValueList values. */
                public values: tokenledger.otlp.v1.IKeyValue[];

                /**
                 * Creates a new KeyValueList instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns KeyValueList instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IKeyValueList): tokenledger.otlp.v1.KeyValueList;

                /**
                 * Decodes a KeyValueList message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns KeyValueList
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.KeyValueList;
            }

            /** Properties of a KeyValue. */
            interface IKeyValue {

                /** KeyValue key */
                key?: (string|null);

                /** KeyValue value */
                value?: (tokenledger.otlp.v1.IAnyValue|null);
            }

            /** Represents a KeyValue. */
            class KeyValue implements IKeyValue {

                /**
                 * Constructs a new KeyValue.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IKeyValue);

                /** KeyValue key. */
                public key: string;

                /** KeyValue value. */
                public value?: (tokenledger.otlp.v1.IAnyValue|null);

                /**
                 * Creates a new KeyValue instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns KeyValue instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IKeyValue): tokenledger.otlp.v1.KeyValue;

                /**
                 * Decodes a KeyValue message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns KeyValue
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.KeyValue;
            }

            /** Properties of an InstrumentationScope. */
            interface IInstrumentationScope {

                /** InstrumentationScope name */
                name?: (string|null);

                /** InstrumentationScope version */
                version?: (string|null);

                /** InstrumentationScope attributes */
                attributes?: (tokenledger.otlp.v1.IKeyValue[]|null);

                /** InstrumentationScope droppedAttributesCount */
                droppedAttributesCount?: (number|null);
            }

            /** Represents an InstrumentationScope. */
            class InstrumentationScope implements IInstrumentationScope {

                /**
                 * Constructs a new InstrumentationScope.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IInstrumentationScope);

                /** InstrumentationScope name. */
                public name: string;

                /** InstrumentationScope version. */
                public version: string;

                /** InstrumentationScope attributes. */
                public attributes: tokenledger.otlp.v1.IKeyValue[];

                /** InstrumentationScope droppedAttributesCount. */
                public droppedAttributesCount: number;

                /**
                 * Creates a new InstrumentationScope instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns InstrumentationScope instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IInstrumentationScope): tokenledger.otlp.v1.InstrumentationScope;

                /**
                 * Decodes an InstrumentationScope message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns InstrumentationScope
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.InstrumentationScope;
            }

            /** Properties of a Resource. */
            interface IResource {

                /** Resource attributes */
                attributes?: (tokenledger.otlp.v1.IKeyValue[]|null);

                /** Resource droppedAttributesCount */
                droppedAttributesCount?: (number|null);
            }

            /** Represents a Resource. */
            class Resource implements IResource {

                /**
                 * Constructs a new Resource.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IResource);

                /** Resource attributes. */
                public attributes: tokenledger.otlp.v1.IKeyValue[];

                /** Resource droppedAttributesCount. */
                public droppedAttributesCount: number;

                /**
                 * Creates a new Resource instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns Resource instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IResource): tokenledger.otlp.v1.Resource;

                /**
                 * Decodes a Resource message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns Resource
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.Resource;
            }

            /** Properties of an ExportTraceServiceRequest. */
            interface IExportTraceServiceRequest {

                /** ExportTraceServiceRequest resourceSpans */
                resourceSpans?: (tokenledger.otlp.v1.IResourceSpans[]|null);
            }

            /** Represents an ExportTraceServiceRequest. */
            class ExportTraceServiceRequest implements IExportTraceServiceRequest {

                /**
                 * Constructs a new ExportTraceServiceRequest.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IExportTraceServiceRequest);

                /** ExportTraceServiceRequest resourceSpans. */
                public resourceSpans: tokenledger.otlp.v1.IResourceSpans[];

                /**
                 * Creates a new ExportTraceServiceRequest instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns ExportTraceServiceRequest instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IExportTraceServiceRequest): tokenledger.otlp.v1.ExportTraceServiceRequest;

                /**
                 * Decodes an ExportTraceServiceRequest message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns ExportTraceServiceRequest
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.ExportTraceServiceRequest;
            }

            /** Properties of a ResourceSpans. */
            interface IResourceSpans {

                /** ResourceSpans resource */
                resource?: (tokenledger.otlp.v1.IResource|null);

                /** ResourceSpans scopeSpans */
                scopeSpans?: (tokenledger.otlp.v1.IScopeSpans[]|null);

                /** ResourceSpans schemaUrl */
                schemaUrl?: (string|null);
            }

            /** Represents a ResourceSpans. */
            class ResourceSpans implements IResourceSpans {

                /**
                 * Constructs a new ResourceSpans.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IResourceSpans);

                /** ResourceSpans resource. */
                public resource?: (tokenledger.otlp.v1.IResource|null);

                /** ResourceSpans scopeSpans. */
                public scopeSpans: tokenledger.otlp.v1.IScopeSpans[];

                /** ResourceSpans schemaUrl. */
                public schemaUrl: string;

                /**
                 * Creates a new ResourceSpans instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns ResourceSpans instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IResourceSpans): tokenledger.otlp.v1.ResourceSpans;

                /**
                 * Decodes a ResourceSpans message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns ResourceSpans
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.ResourceSpans;
            }

            /** Properties of a ScopeSpans. */
            interface IScopeSpans {

                /** ScopeSpans scope */
                scope?: (tokenledger.otlp.v1.IInstrumentationScope|null);

                /** ScopeSpans spans */
                spans?: (tokenledger.otlp.v1.ISpan[]|null);

                /** ScopeSpans schemaUrl */
                schemaUrl?: (string|null);
            }

            /** Represents a ScopeSpans. */
            class ScopeSpans implements IScopeSpans {

                /**
                 * Constructs a new ScopeSpans.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IScopeSpans);

                /** ScopeSpans scope. */
                public scope?: (tokenledger.otlp.v1.IInstrumentationScope|null);

                /** ScopeSpans spans. */
                public spans: tokenledger.otlp.v1.ISpan[];

                /** ScopeSpans schemaUrl. */
                public schemaUrl: string;

                /**
                 * Creates a new ScopeSpans instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns ScopeSpans instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IScopeSpans): tokenledger.otlp.v1.ScopeSpans;

                /**
                 * Decodes a ScopeSpans message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns ScopeSpans
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.ScopeSpans;
            }

            /** Properties of a Span. */
            interface ISpan {

                /** Span traceId */
                traceId?: (Uint8Array|null);

                /** Span spanId */
                spanId?: (Uint8Array|null);

                /** Span traceState */
                traceState?: (string|null);

                /** Span parentSpanId */
                parentSpanId?: (Uint8Array|null);

                /** Span flags */
                flags?: (number|null);

                /** Span name */
                name?: (string|null);

                /** Span kind */
                kind?: (tokenledger.otlp.v1.Span.SpanKind|null);

                /** Span startTimeUnixNano */
                startTimeUnixNano?: (Long|null);

                /** Span endTimeUnixNano */
                endTimeUnixNano?: (Long|null);

                /** Span attributes */
                attributes?: (tokenledger.otlp.v1.IKeyValue[]|null);

                /** Span droppedAttributesCount */
                droppedAttributesCount?: (number|null);

                /** Span events */
                events?: (tokenledger.otlp.v1.Span.IEvent[]|null);

                /** Span droppedEventsCount */
                droppedEventsCount?: (number|null);

                /** Span links */
                links?: (tokenledger.otlp.v1.Span.ILink[]|null);

                /** Span droppedLinksCount */
                droppedLinksCount?: (number|null);

                /** Span status */
                status?: (tokenledger.otlp.v1.IStatus|null);
            }

            /** Represents a Span. */
            class Span implements ISpan {

                /**
                 * Constructs a new Span.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.ISpan);

                /** Span traceId. */
                public traceId: Uint8Array;

                /** Span spanId. */
                public spanId: Uint8Array;

                /** Span traceState. */
                public traceState: string;

                /** Span parentSpanId. */
                public parentSpanId: Uint8Array;

                /** Span flags. */
                public flags: number;

                /** Span name. */
                public name: string;

                /** Span kind. */
                public kind: tokenledger.otlp.v1.Span.SpanKind;

                /** Span startTimeUnixNano. */
                public startTimeUnixNano: Long;

                /** Span endTimeUnixNano. */
                public endTimeUnixNano: Long;

                /** Span attributes. */
                public attributes: tokenledger.otlp.v1.IKeyValue[];

                /** Span droppedAttributesCount. */
                public droppedAttributesCount: number;

                /** Span events. */
                public events: tokenledger.otlp.v1.Span.IEvent[];

                /** Span droppedEventsCount. */
                public droppedEventsCount: number;

                /** Span links. */
                public links: tokenledger.otlp.v1.Span.ILink[];

                /** Span droppedLinksCount. */
                public droppedLinksCount: number;

                /** Span status. */
                public status?: (tokenledger.otlp.v1.IStatus|null);

                /**
                 * Creates a new Span instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns Span instance
                 */
                public static create(properties?: tokenledger.otlp.v1.ISpan): tokenledger.otlp.v1.Span;

                /**
                 * Decodes a Span message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns Span
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.Span;
            }

            namespace Span {

                /** SpanKind enum. */
                enum SpanKind {
                    SPAN_KIND_UNSPECIFIED = 0,
                    SPAN_KIND_INTERNAL = 1,
                    SPAN_KIND_SERVER = 2,
                    SPAN_KIND_CLIENT = 3,
                    SPAN_KIND_PRODUCER = 4,
                    SPAN_KIND_CONSUMER = 5
                }

                /** Properties of an Event. */
                interface IEvent {

                    /** Event timeUnixNano */
                    timeUnixNano?: (Long|null);

                    /** Event name */
                    name?: (string|null);

                    /** Event attributes */
                    attributes?: (tokenledger.otlp.v1.IKeyValue[]|null);

                    /** Event droppedAttributesCount */
                    droppedAttributesCount?: (number|null);
                }

                /** Represents an Event. */
                class Event implements IEvent {

                    /**
                     * Constructs a new Event.
                     * @param [properties] Properties to set
                     */
                    constructor(properties?: tokenledger.otlp.v1.Span.IEvent);

                    /** Event timeUnixNano. */
                    public timeUnixNano: Long;

                    /** Event name. */
                    public name: string;

                    /** Event attributes. */
                    public attributes: tokenledger.otlp.v1.IKeyValue[];

                    /** Event droppedAttributesCount. */
                    public droppedAttributesCount: number;

                    /**
                     * Creates a new Event instance using the specified properties.
                     * @param [properties] Properties to set
                     * @returns Event instance
                     */
                    public static create(properties?: tokenledger.otlp.v1.Span.IEvent): tokenledger.otlp.v1.Span.Event;

                    /**
                     * Decodes an Event message from the specified reader or buffer.
                     * @param reader Reader or buffer to decode from
                     * @param [length] Message length if known beforehand
                     * @returns Event
                     * @throws {Error} If the payload is not a reader or valid buffer
                     * @throws {$protobuf.util.ProtocolError} If required fields are missing
                     */
                    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.Span.Event;
                }

                /** Properties of a Link. */
                interface ILink {

                    /** Link traceId */
                    traceId?: (Uint8Array|null);

                    /** Link spanId */
                    spanId?: (Uint8Array|null);

                    /** Link traceState */
                    traceState?: (string|null);

                    /** Link attributes */
                    attributes?: (tokenledger.otlp.v1.IKeyValue[]|null);

                    /** Link droppedAttributesCount */
                    droppedAttributesCount?: (number|null);

                    /** Link flags */
                    flags?: (number|null);
                }

                /** Represents a Link. */
                class Link implements ILink {

                    /**
                     * Constructs a new Link.
                     * @param [properties] Properties to set
                     */
                    constructor(properties?: tokenledger.otlp.v1.Span.ILink);

                    /** Link traceId. */
                    public traceId: Uint8Array;

                    /** Link spanId. */
                    public spanId: Uint8Array;

                    /** Link traceState. */
                    public traceState: string;

                    /** Link attributes. */
                    public attributes: tokenledger.otlp.v1.IKeyValue[];

                    /** Link droppedAttributesCount. */
                    public droppedAttributesCount: number;

                    /** Link flags. */
                    public flags: number;

                    /**
                     * Creates a new Link instance using the specified properties.
                     * @param [properties] Properties to set
                     * @returns Link instance
                     */
                    public static create(properties?: tokenledger.otlp.v1.Span.ILink): tokenledger.otlp.v1.Span.Link;

                    /**
                     * Decodes a Link message from the specified reader or buffer.
                     * @param reader Reader or buffer to decode from
                     * @param [length] Message length if known beforehand
                     * @returns Link
                     * @throws {Error} If the payload is not a reader or valid buffer
                     * @throws {$protobuf.util.ProtocolError} If required fields are missing
                     */
                    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.Span.Link;
                }
            }

            /** Properties of a Status. */
            interface IStatus {

                /** Status message */
                message?: (string|null);

                /** Status code */
                code?: (tokenledger.otlp.v1.Status.StatusCode|null);
            }

            /** Represents a Status. */
            class Status implements IStatus {

                /**
                 * Constructs a new Status.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IStatus);

                /** Status message. */
                public message: string;

                /** Status code. */
                public code: tokenledger.otlp.v1.Status.StatusCode;

                /**
                 * Creates a new Status instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns Status instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IStatus): tokenledger.otlp.v1.Status;

                /**
                 * Decodes a Status message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns Status
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.Status;
            }

            namespace Status {

                /** StatusCode enum. */
                enum StatusCode {
                    STATUS_CODE_UNSET = 0,
                    STATUS_CODE_OK = 1,
                    STATUS_CODE_ERROR = 2
                }
            }

            /** Properties of an ExportTracePartialSuccess. */
            interface IExportTracePartialSuccess {

                /** ExportTracePartialSuccess rejectedSpans */
                rejectedSpans?: (Long|null);

                /** ExportTracePartialSuccess errorMessage */
                errorMessage?: (string|null);
            }

            /** Represents an ExportTracePartialSuccess. */
            class ExportTracePartialSuccess implements IExportTracePartialSuccess {

                /**
                 * Constructs a new ExportTracePartialSuccess.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IExportTracePartialSuccess);

                /** ExportTracePartialSuccess rejectedSpans. */
                public rejectedSpans: Long;

                /** ExportTracePartialSuccess errorMessage. */
                public errorMessage: string;

                /**
                 * Creates a new ExportTracePartialSuccess instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns ExportTracePartialSuccess instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IExportTracePartialSuccess): tokenledger.otlp.v1.ExportTracePartialSuccess;

                /**
                 * Decodes an ExportTracePartialSuccess message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns ExportTracePartialSuccess
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.ExportTracePartialSuccess;
            }

            /** Properties of an ExportTraceServiceResponse. */
            interface IExportTraceServiceResponse {

                /** ExportTraceServiceResponse partialSuccess */
                partialSuccess?: (tokenledger.otlp.v1.IExportTracePartialSuccess|null);
            }

            /** Represents an ExportTraceServiceResponse. */
            class ExportTraceServiceResponse implements IExportTraceServiceResponse {

                /**
                 * Constructs a new ExportTraceServiceResponse.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IExportTraceServiceResponse);

                /** ExportTraceServiceResponse partialSuccess. */
                public partialSuccess?: (tokenledger.otlp.v1.IExportTracePartialSuccess|null);

                /**
                 * Creates a new ExportTraceServiceResponse instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns ExportTraceServiceResponse instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IExportTraceServiceResponse): tokenledger.otlp.v1.ExportTraceServiceResponse;

                /**
                 * Decodes an ExportTraceServiceResponse message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns ExportTraceServiceResponse
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.ExportTraceServiceResponse;
            }

            /** Properties of a RpcStatus. */
            interface IRpcStatus {

                /** RpcStatus code */
                code?: (number|null);

                /** RpcStatus message */
                message?: (string|null);
            }

            /** Represents a RpcStatus. */
            class RpcStatus implements IRpcStatus {

                /**
                 * Constructs a new RpcStatus.
                 * @param [properties] Properties to set
                 */
                constructor(properties?: tokenledger.otlp.v1.IRpcStatus);

                /** RpcStatus code. */
                public code: number;

                /** RpcStatus message. */
                public message: string;

                /**
                 * Creates a new RpcStatus instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns RpcStatus instance
                 */
                public static create(properties?: tokenledger.otlp.v1.IRpcStatus): tokenledger.otlp.v1.RpcStatus;

                /**
                 * Decodes a RpcStatus message from the specified reader or buffer.
                 * @param reader Reader or buffer to decode from
                 * @param [length] Message length if known beforehand
                 * @returns RpcStatus
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tokenledger.otlp.v1.RpcStatus;
            }
        }
    }
}
