export { protobufKinds } from './descriptors.js';
export {
  decodeProtobufObject,
  encodeProtobufObject,
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_MAGIC,
} from './kubernetes-protobuf.js';
export { ProtobufDecodeError } from './protobuf-error.js';
