environment     = "prod"
admin_group_ids = ["6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21"]
