"Report classes and templates of lot_facturation."
