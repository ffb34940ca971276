// SPDX-License-Identifier: Apache-2.0
export { AvatarSession, MirrorstageException } from './avatar.js';
