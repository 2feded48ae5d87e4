name = "aks-lab"
windows_jobs = true
