// Ways the stand-in can break, each switched on by name, each independent of the others: what a test
// needs to show the suite catches breakage on an implementation it did not write. `operation` matches the
// writes whose judgement should name it; `rule` the rule(s) expected to; `message` what the finding
// should say where the rule's name is not settled yet (issue #27 names the checks, not their ids).

export const MISBEHAVIOURS = {
  'update-ignored': {
    does: 'an update answers 200 with the new values but stores nothing: the fetch shows the old ones',
    operation: /^PUT /,
    rule: /^write\.update-applied$/,
  },
  'date-updated-frozen': {
    does: 'an update stores its values but leaves date_updated where it was',
    operation: /^PUT /,
    rule: /^write\.update-applied$/,
    message: /date_updated/,
  },
  'reply-not-stored': {
    does: "a message is answered with a reply, but only the user's message is stored in the session",
    operation: /^POST \/v1\/Assistants\/\{id\}\/Messages$/,
    rule: /^write\.send-effect$/,
  },
  'create-missing-required-field': {
    does: 'a create answers 201 without date_created, a field every create response requires',
    operation: /^POST \/v1\/(Assistants|Tools|Knowledge)$/,
    rule: /^write\.(schema|fields-present|create-.*)$/,
    message: /date_created/,
  },
  'knowledge-never-processed': {
    does: 'a knowledge source stays PROCESSING for ever: no COMPLETED, no chunks',
    operation: /^POST \/v1\/Knowledge$/,
    rule: /^write\.processing-ends$/,
    message: /PROCESSING/,
  },
  'delete-keeps-item': {
    does: 'a delete answers 204 and removes nothing',
    operation: /^DELETE \/v1\/(Assistants|Tools|Knowledge)\/\{id\}$/,
    rule: /^write\.delete-gone$/,
  },
  'unknown-delete-204': {
    does: 'a delete of an id that does not exist answers 204 instead of 404',
    operation: /^DELETE \/v1\/(Assistants|Tools|Knowledge)\/\{id\}$/,
    rule: /^write\.unknown-id$/,
  },
  'attach-not-listed': {
    does: "an attach answers 204 but the assistant's nested list does not show the item",
    operation: /^POST \/v1\/Assistants\/\{assistantId\}\/(Tools|Knowledge)\/\{id\}$/,
    rule: /^write\.attach-listed$/,
  },
  'wrong-account-sid': {
    does: "an update's or a message's answer carries another account's SID (a create's does not, so only a check of every write answer sees it)",
    operation: /^(POST|PUT) /,
    rule: /^write\.account$/,
    message: /account_sid/,
  },
  'malformed-json-500': {
    does: 'a body that is not JSON is answered 500 instead of 400',
    operation: /^(POST|PUT) /,
    rule: /^write\.malformed-json$/,
    message: /500/,
  },
} as const satisfies Record<string, { does: string; operation: RegExp; rule: RegExp; message?: RegExp }>;

export type Misbehaviour = keyof typeof MISBEHAVIOURS;

export const isMisbehaviour = (name: string): name is Misbehaviour => Object.hasOwn(MISBEHAVIOURS, name);
