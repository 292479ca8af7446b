ALTER TABLE "incident_updates" ADD COLUMN "next_update_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "next_update_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "next_update_from" uuid;--> statement-breakpoint
CREATE TABLE "cadence_warnings" (
	"incident_id" uuid NOT NULL,
	"update_id" uuid NOT NULL,
	"level" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cadence_warnings_incident_id_update_id_level_pk" PRIMARY KEY("incident_id","update_id","level")
);
--> statement-breakpoint
ALTER TABLE "cadence_warnings" ADD CONSTRAINT "cadence_warnings_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadence_warnings" ADD CONSTRAINT "cadence_warnings_update_id_incident_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."incident_updates"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "component_ids" jsonb;
