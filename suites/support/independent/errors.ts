// Twilio's error body, as Twilio documents it for every error answer: `code`, `message`, `more_info`,
// `status` (https://www.twilio.com/docs/api/errors/20003: 401 "Authenticate"; 20404 not found).

export interface TwilioError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export const twilioError = (status: number, code: number, message: string): TwilioError => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/** A request the API refuses: thrown by a handler, answered by the server. */
export class Refusal extends Error {
  constructor(readonly body: TwilioError) {
    super(body.message);
  }
}

/** 400, Twilio's "invalid parameter" code, the message naming the field. */
export const badRequest = (message: string): Refusal => new Refusal(twilioError(400, 20001, message));
export const notFound = (path: string): Refusal =>
  new Refusal(twilioError(404, 20404, `The requested resource ${path} was not found`));
export const unauthorized = (): Refusal => new Refusal(twilioError(401, 20003, 'Authenticate'));
export const methodNotAllowed = (method: string, path: string): Refusal =>
  new Refusal(twilioError(405, 20004, `Method ${method} not allowed on ${path}`));
