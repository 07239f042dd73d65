/** An error EC2 answers with: its code (InvalidAMIID.NotFound, ...), message and HTTP status. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
