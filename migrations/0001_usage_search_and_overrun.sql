ALTER TABLE `usage` ADD `web_search_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage` ADD `over_reservation_micros` integer DEFAULT 0 NOT NULL;