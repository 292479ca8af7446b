ALTER TABLE "maintenances" ADD COLUMN "verifying_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "maintenances" ADD COLUMN "sequence" integer DEFAULT 0 NOT NULL;
