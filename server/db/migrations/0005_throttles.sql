ALTER TABLE "login_attempts" ADD COLUMN "client_address" text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE "login_attempts" DROP CONSTRAINT "login_attempts_pkey";
--> statement-breakpoint
ALTER TABLE "login_attempts" ADD CONSTRAINT "login_attempts_email_client_address_pk" PRIMARY KEY("email","client_address");
--> statement-breakpoint
CREATE INDEX "login_attempts_last_failure_at_idx" ON "login_attempts" USING btree ("last_failure_at");
--> statement-breakpoint
CREATE TABLE "rate_windows" (
	"bucket" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "rate_windows_window_started_at_idx" ON "rate_windows" USING btree ("window_started_at");
