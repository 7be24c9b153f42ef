-- Issue 11: verify's newer outcomes are stored as themselves, not as UNREACHABLE.

-- AlterEnum
ALTER TYPE "VerifyStatus" ADD VALUE 'THROTTLED';
ALTER TYPE "VerifyStatus" ADD VALUE 'INVALID_RESPONSE';
ALTER TYPE "VerifyStatus" ADD VALUE 'TOO_MANY_SECRETS';
