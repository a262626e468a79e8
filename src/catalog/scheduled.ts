// The Worker's Cron Trigger handler: refreshes the model catalog (see refresh.ts).
export { scheduled } from "./refresh";
