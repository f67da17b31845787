export declare const MISSING_BROWSER: string;
export declare function systemChromium(): string | undefined;
export declare function findChromium(): Promise<string | null>;
