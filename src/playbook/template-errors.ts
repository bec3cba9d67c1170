/** Thrown by our filters and operators with a message that names them and never the value. */
export class TemplateFilterError extends Error {}
