// @ts-check
'use strict';

/** Small statistics and formatting helpers for the benchmark table. */

/** @param {number[]} values */
function sorted(values) {
	return [...values].sort((a, b) => a - b);
}

/** @param {number[]} values */
function median(values) {
	if (values.length === 0) return NaN;
	const list = sorted(values);
	const middle = Math.floor(list.length / 2);
	return list.length % 2 === 1 ? list[middle] : (list[middle - 1] + list[middle]) / 2;
}

/**
 * Median and spread (min–max over the repetitions).
 * @param {number[]} values
 */
function summary(values) {
	const list = sorted(values);
	return { median: median(list), min: list[0], max: list[list.length - 1], n: list.length };
}

/** @param {number} value */
function fmtNumber(value, digits = 2) {
	if (!Number.isFinite(value)) return String(value);
	return value.toFixed(digits);
}

/**
 * "1.12× (1.05–1.20)"
 * @param {number[]} values
 */
function fmtRatio(values, digits = 2) {
	const s = summary(values);
	if (s.n === 1) return `${fmtNumber(s.median, digits)}×`;
	return `${fmtNumber(s.median, digits)}× (${fmtNumber(s.min, digits)}–${fmtNumber(s.max, digits)})`;
}

/** @param {number} ms */
function fmtTime(ms) {
	if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
	if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
	if (ms < 100) return `${ms.toFixed(2)} ms`;
	if (ms < 10_000) return `${ms.toFixed(0)} ms`;
	return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * "1.23 ms (1.10–1.40)"
 * @param {number[]} values  milliseconds
 */
function fmtTimes(values) {
	const s = summary(values);
	if (s.n === 1) return fmtTime(s.median);
	return `${fmtTime(s.median)} (${fmtTime(s.min)}–${fmtTime(s.max)})`;
}

/**
 * A markdown table; cells are escaped for pipes.
 * @param {string[]} header
 * @param {string[][]} rows
 */
function markdownTable(header, rows) {
	const escape = (/** @type {string} */ cell) => String(cell).replace(/\|/g, '\\|');
	const lines = [
		`| ${header.map(escape).join(' | ')} |`,
		`| ${header.map(() => '---').join(' | ')} |`,
	];
	for (const row of rows) lines.push(`| ${row.map(escape).join(' | ')} |`);
	return lines.join('\n');
}

module.exports = { median, summary, fmtNumber, fmtRatio, fmtTime, fmtTimes, markdownTable };
