export function breakdownText() { return ""; }
