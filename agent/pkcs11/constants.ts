// PKCS#11 numeric constants the token layer uses (values fixed by the PKCS#11 v2.40 spec; pkcs11js exports the same).
// Kept here so unit tests and the CKR map do not have to load the native addon.

export const CKR_OK = 0x0;
export const CKR_HOST_MEMORY = 0x2;
export const CKR_SLOT_ID_INVALID = 0x3;
export const CKR_GENERAL_ERROR = 0x5;
export const CKR_FUNCTION_FAILED = 0x6;
export const CKR_ARGUMENTS_BAD = 0x7;
export const CKR_NO_EVENT = 0x8;
export const CKR_CANT_LOCK = 0xa;
export const CKR_ATTRIBUTE_SENSITIVE = 0x11;
export const CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
export const CKR_DATA_INVALID = 0x20;
export const CKR_DATA_LEN_RANGE = 0x21;
export const CKR_DEVICE_ERROR = 0x30;
export const CKR_DEVICE_MEMORY = 0x31;
export const CKR_DEVICE_REMOVED = 0x32;
export const CKR_FUNCTION_CANCELED = 0x50;
export const CKR_FUNCTION_NOT_SUPPORTED = 0x54;
export const CKR_KEY_HANDLE_INVALID = 0x60;
export const CKR_KEY_SIZE_RANGE = 0x62;
export const CKR_KEY_TYPE_INCONSISTENT = 0x63;
export const CKR_KEY_FUNCTION_NOT_PERMITTED = 0x68;
export const CKR_MECHANISM_INVALID = 0x70;
export const CKR_MECHANISM_PARAM_INVALID = 0x71;
export const CKR_OBJECT_HANDLE_INVALID = 0x82;
export const CKR_OPERATION_ACTIVE = 0x90;
export const CKR_OPERATION_NOT_INITIALIZED = 0x91;
export const CKR_PIN_INCORRECT = 0xa0;
export const CKR_PIN_INVALID = 0xa1;
export const CKR_PIN_LEN_RANGE = 0xa2;
export const CKR_PIN_EXPIRED = 0xa3;
export const CKR_PIN_LOCKED = 0xa4;
export const CKR_SESSION_CLOSED = 0xb0;
export const CKR_SESSION_COUNT = 0xb1;
export const CKR_SESSION_HANDLE_INVALID = 0xb3;
export const CKR_SIGNATURE_LEN_RANGE = 0xc1;
export const CKR_TOKEN_NOT_PRESENT = 0xe0;
export const CKR_TOKEN_NOT_RECOGNIZED = 0xe1;
export const CKR_USER_ALREADY_LOGGED_IN = 0x100;
export const CKR_USER_NOT_LOGGED_IN = 0x101;
export const CKR_USER_PIN_NOT_INITIALIZED = 0x102;
export const CKR_USER_TYPE_INVALID = 0x103;
export const CKR_BUFFER_TOO_SMALL = 0x150;
export const CKR_CRYPTOKI_NOT_INITIALIZED = 0x190;
export const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
export const CKR_FUNCTION_REJECTED = 0x200;

export const CKF_LOGIN_REQUIRED = 0x4;
export const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
export const CKF_TOKEN_INITIALIZED = 0x400;
export const CKF_USER_PIN_COUNT_LOW = 0x10000;
export const CKF_USER_PIN_FINAL_TRY = 0x20000;
export const CKF_USER_PIN_LOCKED = 0x40000;
export const CKF_DONT_BLOCK = 0x1;
export const CKF_RW_SESSION = 0x2;
export const CKF_SERIAL_SESSION = 0x4;
export const CKF_OS_LOCKING_OK = 0x2;

export const CKU_USER = 0x1;
export const CKU_CONTEXT_SPECIFIC = 0x2;

export const CKS_RO_USER_FUNCTIONS = 1;
export const CKS_RW_USER_FUNCTIONS = 3;

export const CKO_CERTIFICATE = 0x1;
export const CKO_PUBLIC_KEY = 0x2;
export const CKO_PRIVATE_KEY = 0x3;
export const CKC_X_509 = 0x0;

export const CKA_CLASS = 0x0;
export const CKA_TOKEN = 0x1;
export const CKA_PRIVATE = 0x2;
export const CKA_LABEL = 0x3;
export const CKA_VALUE = 0x11;
export const CKA_CERTIFICATE_TYPE = 0x80;
export const CKA_KEY_TYPE = 0x100;
export const CKA_ID = 0x102;
export const CKA_SIGN = 0x108;
export const CKA_MODULUS = 0x120;
export const CKA_EC_PARAMS = 0x180;
export const CKA_EC_POINT = 0x181;
export const CKA_ALWAYS_AUTHENTICATE = 0x202;

export const CKK_RSA = 0x0;
export const CKK_EC = 0x3;

export const CKM_RSA_PKCS = 0x1;
export const CKM_RSA_PKCS_PSS = 0xd;
export const CKM_ECDSA = 0x1041;
export const CKM_SHA_1 = 0x220;
export const CKM_SHA256 = 0x250;
export const CKM_SHA384 = 0x260;
export const CKM_SHA512 = 0x270;
export const CKG_MGF1_SHA1 = 0x1;
export const CKG_MGF1_SHA256 = 0x2;
export const CKG_MGF1_SHA384 = 0x3;
export const CKG_MGF1_SHA512 = 0x4;

/** pkcs11js' own tag for CK_RSA_PKCS_PSS_PARAMS in `Mechanism.parameter` (not a PKCS#11 value). */
export const CK_PARAMS_RSA_PSS = 0x5;
