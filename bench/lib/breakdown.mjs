export async function runBreakdown() { return {}; }
