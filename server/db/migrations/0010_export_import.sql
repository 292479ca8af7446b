ALTER TABLE "components" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "incident_updates" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "maintenances" ADD COLUMN "external_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "components_external_id_key" ON "components" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_external_id_key" ON "incidents" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_updates_external_id_key" ON "incident_updates" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "maintenances_external_id_key" ON "maintenances" USING btree ("external_id");
--> statement-breakpoint
CREATE TABLE "subscriber_suppressions" (
	"email_hash" text PRIMARY KEY NOT NULL,
	"suppressed_at" timestamp with time zone NOT NULL
);
