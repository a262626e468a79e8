CREATE TABLE `api_keys` (
	`hash` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`label` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`allowed_providers` text,
	`limit_micros` integer,
	`limit_reset` text,
	`rate_limit_requests` integer,
	`rate_limit_interval` text,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `api_keys_created_at_idx` ON `api_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `management_keys` (
	`hash` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `management_keys_created_at_idx` ON `management_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `usage` (
	`id` text PRIMARY KEY NOT NULL,
	`key_hash` text NOT NULL,
	`requested_model` text NOT NULL,
	`served_model` text,
	`provider` text,
	`surface` text NOT NULL,
	`streamed` integer NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_micros` integer DEFAULT 0 NOT NULL,
	`status` integer NOT NULL,
	`finish_reason` text,
	`latency_ms` integer,
	`ttft_ms` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `usage_key_created_idx` ON `usage` (`key_hash`,`created_at`);--> statement-breakpoint
CREATE INDEX `usage_created_idx` ON `usage` (`created_at`);