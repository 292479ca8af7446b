// Every kind of personal-data deletion registers how to apply it again (deletionLedger.ts); a restore
// imports this module so that all of them are known before it replays the ledger.
import '../subscribers/deleteSubscriber.js';
import '../staff/deleteStaffAccount.js';
