import { XMLBuilder } from 'fast-xml-parser';

const builder = new XMLBuilder({ format: false });

/** An EC2 error document: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`. */
export function errorXml(code: string, message: string, requestId: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ Response: { Errors: { Error: { Code: code, Message: message } }, RequestID: requestId } });
}
