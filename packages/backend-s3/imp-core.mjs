await import('@modelreg/core'); await import('@modelreg/backend-s3');
