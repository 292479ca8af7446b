ALTER TABLE "deliveries" ADD COLUMN "locked_until" timestamp with time zone;
