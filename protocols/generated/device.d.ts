import * as $protobuf from "protobufjs";
import Long = require("long");

export namespace vitalive {

    namespace device {

        enum Metric {
            METRIC_UNSPECIFIED = 0,
            WEIGHT_KG = 1,
            BODY_FAT_PCT = 2,
            MUSCLE_MASS_KG = 3,
            VISCERAL_FAT_LEVEL = 4,
            BMI = 5,
            SYSTOLIC_MMHG = 6,
            DIASTOLIC_MMHG = 7,
            PULSE_BPM = 8,
            GLUCOSE_MMOL_L = 9
        }

        interface IReading extends vitalive.device.Reading.$Properties {
        }

        class Reading {
            constructor(p?: vitalive.device.Reading.$Properties);
            $unknowns?: Uint8Array[];
            deviceId: string;
            bootId: number;
            seq: (number|Long);
            metric: vitalive.device.Metric;
            value: number;
            measuredAtMs: (number|Long);
            memberCode?: (string|null);
            eventId?: (string|null);
            static create(properties: vitalive.device.Reading.$Shape): vitalive.device.Reading & vitalive.device.Reading.$Shape;
            static create(properties?: vitalive.device.Reading.$Properties): vitalive.device.Reading;
            static encode(m: vitalive.device.Reading.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): vitalive.device.Reading & vitalive.device.Reading.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Reading {
            interface $Properties {
                deviceId?: (string|null);
                bootId?: (number|null);
                seq?: (number|Long|null);
                metric?: (vitalive.device.Metric|null);
                value?: (number|null);
                measuredAtMs?: (number|Long|null);
                memberCode?: (string|null);
                eventId?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = vitalive.device.Reading.$Properties;
        }

        interface IReadingBatch extends vitalive.device.ReadingBatch.$Properties {
        }

        class ReadingBatch {
            constructor(p?: vitalive.device.ReadingBatch.$Properties);
            $unknowns?: Uint8Array[];
            readings: vitalive.device.Reading.$Properties[];
            static create(properties: vitalive.device.ReadingBatch.$Shape): vitalive.device.ReadingBatch & vitalive.device.ReadingBatch.$Shape;
            static create(properties?: vitalive.device.ReadingBatch.$Properties): vitalive.device.ReadingBatch;
            static encode(m: vitalive.device.ReadingBatch.$Properties, w?: $protobuf.Writer): $protobuf.Writer;
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): vitalive.device.ReadingBatch & vitalive.device.ReadingBatch.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace ReadingBatch {
            interface $Properties {
                readings?: (vitalive.device.Reading.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = vitalive.device.ReadingBatch.$Properties;
        }
    }
}
