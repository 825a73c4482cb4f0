// What Twilio Assistants v1 refuses in a request body, transcribed by hand from the sources
// (../shared/sources/twilio_assistants_v1.openapi.json and Twilio's public AI Assistants docs pages),
// not from this project's model. Each schema is the spec's request schema; where the spec's prose, or
// the shape its responses document, says more than its types, the schema says it too, and SOURCE_RULES
// cites the sentence (suites/independent/stand-in.test.ts checks every citation against the spec).

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const bool = { type: 'boolean' };
const obj = { type: 'object' };
const assistantId = { type: 'string', pattern: '^aia_asst_.+$' };

/** create_policy_request; `policy_details` is typed `{}` there but documented as an object in every response. */
const policy: Schema = {
  type: 'object',
  properties: {
    description: str,
    id: { type: 'string', pattern: '^aia_plcy_.+$' },
    name: str,
    policy_details: obj,
    type: str,
  },
  required: ['policy_details'],
};
const customerAi: Schema = {
  type: 'object',
  properties: { perception_engine_enabled: bool, personalization_engine_enabled: bool },
  required: ['personalization_engine_enabled', 'perception_engine_enabled'],
};
const segmentCredential: Schema = {
  type: 'object',
  properties: { profile_api_key: str, space_id: str, write_key: str },
};
const assistantFields = {
  customer_ai: customerAi,
  name: str,
  owner: str,
  personality_prompt: str,
  segment_credential: segmentCredential,
};
const TOOL_TYPES = ['WEBHOOK'];
export const KNOWLEDGE_TYPES = ['Web', 'Database', 'Text', 'File'];
const toolFields = {
  assistant_id: assistantId,
  description: str,
  enabled: bool,
  meta: obj,
  name: str,
  policy,
  type: { type: 'string', enum: TOOL_TYPES },
};
const knowledgeFields = {
  description: str,
  knowledge_source_details: obj,
  name: str,
  policy,
  type: { type: 'string', enum: KNOWLEDGE_TYPES },
  embedding_model: str,
};

/** One request schema per write that takes a body, by the spec's operationId. */
export const REQUEST_SCHEMAS: Record<string, Schema> = {
  CreateAssistant: { type: 'object', properties: assistantFields, required: ['name'] },
  UpdateAssistant: { type: 'object', properties: assistantFields },
  CreateTool: { type: 'object', properties: toolFields, required: ['name', 'type', 'enabled'] },
  UpdateTool: { type: 'object', properties: toolFields },
  CreateKnowledge: {
    type: 'object',
    properties: { assistant_id: assistantId, ...knowledgeFields },
    required: ['name', 'type'],
  },
  UpdateKnowledge: { type: 'object', additionalProperties: false, properties: knowledgeFields },
  CreateFeedback: {
    type: 'object',
    properties: {
      message_id: { type: 'string', pattern: '^aia_msg_.+$' },
      score: { type: 'number', minimum: 0, maximum: 1 },
      session_id: str,
      text: str,
    },
    required: ['session_id'],
  },
  CreateMessage: {
    type: 'object',
    properties: {
      identity: str,
      session_id: str,
      body: str,
      webhook: str,
      mode: { type: 'string', enum: ['chat', 'email', 'voice'] },
    },
    required: ['identity', 'body'],
  },
};

export interface SourceRule {
  id: string;
  /** The operations whose request bodies it judges. */
  operations: string[];
  /** A JSON pointer into the OpenAPI spec, and the words found there that state the rule. */
  pointer: string;
  sentence: string;
  /** How the stand-in applies it. */
  enforced: string;
}

const S = '/components/schemas/assistants.v1.service.';

/** The rules that live beyond the request schemas' types: prose, response-implied shapes, ids. */
export const SOURCE_RULES: SourceRule[] = [
  {
    id: 'tool-type-values',
    operations: ['CreateTool', 'UpdateTool'],
    pointer: `${S}tool/properties/type/description`,
    sentence: "The type of the tool. ('WEBHOOK')",
    enforced: "a tool's `type` other than WEBHOOK is refused",
  },
  {
    id: 'knowledge-type-values',
    operations: ['CreateKnowledge', 'UpdateKnowledge'],
    pointer: `${S}knowledge/properties/type/description`,
    sentence: "The type of knowledge source ('Web', 'Database', 'Text', 'File')",
    enforced: "a knowledge source's `type` outside the four is refused",
  },
  {
    id: 'message-mode-values',
    operations: ['CreateMessage'],
    pointer: `${S}assistant_send_message_request/properties/mode/description`,
    sentence: "one of the modes 'chat', 'email' or 'voice'",
    enforced: '`mode` outside the three is refused (absent: chat, the default)',
  },
  {
    id: 'embedding-model-database-only',
    operations: ['CreateKnowledge'],
    pointer: `${S}create_knowledge_request/properties/embedding_model/description`,
    sentence: "It's required for 'Database' type but disallowed for other types.",
    enforced: 'a Database source without `embedding_model`, or another type with one, is refused',
  },
  {
    id: 'embedding-model-update-database-only',
    operations: ['UpdateKnowledge'],
    pointer: `${S}update_knowledge_request/properties/embedding_model/description`,
    sentence: "It's only applicable to 'Database' type.",
    enforced: '`embedding_model` on a source that is not (or does not become) Database is refused',
  },
  {
    id: 'update-knowledge-closed',
    operations: ['UpdateKnowledge'],
    pointer: `${S}update_knowledge_request/additionalProperties`,
    sentence: 'false',
    enforced: 'a field the update schema does not list (e.g. `assistant_id`) is refused',
  },
  {
    id: 'policy-details-object',
    operations: ['CreateTool', 'UpdateTool', 'CreateKnowledge', 'UpdateKnowledge'],
    pointer: `${S}policy/properties/policy_details/type`,
    sentence: 'object',
    enforced: '`policy.policy_details` (typed `{}` in create_policy_request) must be an object',
  },
  {
    id: 'policy-id-is-the-servers',
    operations: ['CreateTool', 'UpdateTool', 'CreateKnowledge', 'UpdateKnowledge'],
    pointer: `${S}create_policy_request/properties/id/description`,
    sentence: 'The Policy ID.',
    enforced: 'a `policy.id` that already names a policy is refused (one id, one policy)',
  },
  {
    id: 'ids-name-existing-items',
    operations: ['CreateTool', 'UpdateTool', 'CreateKnowledge', 'CreateFeedback', 'CreateMessage'],
    pointer: `${S}create_feedback_request/properties/session_id/description`,
    sentence: 'The Session ID.',
    enforced:
      'an id in a body (`assistant_id`, `session_id`, `message_id`) must name an item of this account: ' +
      "a feedback's session and message of that assistant, a message's existing session of that assistant",
  },
];
