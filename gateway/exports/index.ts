// Spreadsheet exports the routes send: XLSX beside the CSVs (csv-stringify).
export { CELL_MAX_CHARS, type Cell, columnName, xlsx, xmlText } from './xlsx.ts';
export { type ZipEntry, zip } from './zip.ts';
