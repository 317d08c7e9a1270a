/** The `dates` example model: a safetensors file in base64. */
declare const modelBase64: string;
export default modelBase64;
