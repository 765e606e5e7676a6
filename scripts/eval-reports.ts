// The checker and importer figures of `npm run eval` (see scripts/eval.ts).
export function checkerFigures(_dir: string, _part: 'tune' | 'holdout', _verbose: boolean): void {}
export function importerFigures(_dir: string, _part: 'tune' | 'holdout', _verbose: boolean): void {}
